import { describe, expect, it } from 'vitest';
import type { Task } from '$lib/api/tasks';
import { dueOf, mayReport, statusNow, TASK_TONES, upsertTask } from './status';

const HCM = 'Asia/Ho_Chi_Minh';
// Due 30 November in Hanoi: the deadline is the start of 1 December there (17:00 UTC on 30 November).
const task = (over: Partial<Task> = {}): Task =>
	({ id: 1, status: 'in_progress', due_date: '2026-11-30', deadline: '2026-11-30T17:00:00Z', ...over }) as Task;

describe('task status', () => {
	it('turns overdue when the deadline passes, without waiting for the server', () => {
		expect(statusNow(task(), new Date('2026-11-30T16:59:00Z'))).toBe('in_progress');
		expect(statusNow(task(), new Date('2026-11-30T17:00:00Z'))).toBe('overdue');
		expect(statusNow(task({ status: 'done_on_time' }), new Date('2027-01-01T00:00:00Z'))).toBe('done_on_time');
		expect(TASK_TONES.overdue).toBe('bad');
		expect(TASK_TONES.done_late).toBe('warn');
	});

	it('counts days left and overdue on the body’s calendar', () => {
		// 22 November, 09:00 in Hanoi.
		expect(dueOf(task(), new Date('2026-11-22T02:00:00Z'), HCM)).toEqual({ kind: 'left', days: 8 });
		// 30 November, 23:30 in Hanoi: still due today.
		expect(dueOf(task(), new Date('2026-11-30T16:30:00Z'), HCM)).toEqual({ kind: 'left', days: 0 });
		// 1 December, 00:30 in Hanoi: one day overdue.
		expect(dueOf(task(), new Date('2026-11-30T17:30:00Z'), HCM)).toEqual({ kind: 'overdue', days: 1 });
		expect(dueOf(task(), new Date('2026-12-05T03:00:00Z'), HCM)).toEqual({ kind: 'overdue', days: 5 });
		const done = task({ status: 'done_late', completed_at: '2026-12-02T03:00:00Z' });
		expect(dueOf(done, new Date('2026-12-05T03:00:00Z'), HCM)).toEqual({ kind: 'done', at: '2026-12-02T03:00:00Z' });
	});

	it('lets the lead, its organisation and the secretariat report, until done', () => {
		const me = { id: 7, organization: 'Bộ Tài chính' };
		expect(mayReport(task({ lead_member_id: 7 }), me, false)).toBe(true);
		expect(mayReport(task({ lead_org: 'Bộ Tài chính' }), me, false)).toBe(true);
		expect(mayReport(task({ lead_org: 'Bộ Tư pháp' }), me, false)).toBe(false);
		expect(mayReport(task({ lead_org: 'Bộ Tư pháp' }), me, true)).toBe(true);
		expect(mayReport(task({ lead_member_id: 7, completed_at: '2026-11-20T00:00:00Z' }), me, true)).toBe(false);
	});

	it('keeps a list in deadline order as tasks change', () => {
		const a = task({ id: 1, deadline: '2026-11-30T17:00:00Z' });
		const b = task({ id: 2, deadline: '2026-12-10T17:00:00Z' });
		expect(upsertTask([a, b], { ...a, deadline: '2026-12-20T17:00:00Z' }).map((t) => t.id)).toEqual([2, 1]);
		expect(upsertTask([a], b).map((t) => t.id)).toEqual([1, 2]);
	});
});
