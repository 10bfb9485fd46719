import { describe, expect, it } from 'vitest';
import { checkInWindow } from './checkin';

describe('check-in window', () => {
	const start = '2026-12-05T07:00:00Z'; // 14:00 in Hanoi
	const at = (iso: string) => Date.parse(iso);

	it('opens two hours before a published session starts, not days before', () => {
		expect(checkInWindow({ status: 'published', scheduled_start: start }, at('2026-12-03T08:00:00Z'))).toEqual({
			open: false,
			opensAt: new Date('2026-12-05T05:00:00Z')
		});
		expect(checkInWindow({ status: 'published', scheduled_start: start }, at('2026-12-05T05:00:00Z')).open).toBe(true);
		// A session that starts late is still open for check-in after its scheduled start.
		expect(checkInWindow({ status: 'published', scheduled_start: start }, at('2026-12-05T08:00:00Z')).open).toBe(true);
	});

	it('is open while the session runs or is paused, and never for a draft or a closed one', () => {
		for (const status of ['live', 'adjourned'] as const) expect(checkInWindow({ status, scheduled_start: start }, 0)).toEqual({ open: true, opensAt: null });
		for (const status of ['draft', 'closed'] as const) expect(checkInWindow({ status, scheduled_start: start }, at(start)).open).toBe(false);
	});
});
