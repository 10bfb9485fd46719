import { describe, expect, it } from 'vitest';
import { clockText, secondsLeft, serverClock } from './speaking.svelte';

describe('speaking time', () => {
	const started = '2026-12-03T02:00:00Z';
	const at = (iso: string) => Date.parse(iso);

	it('counts down from the server’s start, on the server’s clock', () => {
		expect(secondsLeft(started, 5, at('2026-12-03T02:00:00Z'), 0)).toBe(300);
		expect(secondsLeft(started, 5, at('2026-12-03T02:04:30Z'), 0)).toBe(30);
		// A tablet 90 s behind the server sees what the server's clock says.
		expect(secondsLeft(started, 5, at('2026-12-03T02:03:00Z'), 90_000)).toBe(30);
		expect(secondsLeft(started, 5, at('2026-12-03T02:05:15Z'), 0)).toBe(-15);
	});

	it('writes minutes and seconds', () => {
		expect(clockText(300)).toBe('5:00');
		expect(clockText(61)).toBe('1:01');
		expect(clockText(-15)).toBe('0:15');
	});

	it('keeps the offset of the server’s last answer', () => {
		serverClock.observe('2026-12-03T02:00:10Z', at('2026-12-03T02:00:00Z'));
		expect(serverClock.offset).toBe(10_000);
		serverClock.observe(undefined);
		expect(serverClock.offset).toBe(10_000);
	});
});
