import { describe, expect, it } from 'vitest';
import type { Ballot, Meeting } from '$lib/api/types';
import { applyBodyEvent, listsFromSnapshot, upsertBallot } from './feed-state';

const meeting = (id: number, start: string, status: Meeting['status'] = 'published') =>
	({ id, scheduled_start: start, status }) as Meeting;
const ballot = (id: number, created: string, over: Partial<Ballot> = {}) =>
	({ id, created_at: created, answered: 0, status: 'open', ...over }) as Ballot;

describe('body stream', () => {
	it('orders sessions latest first and ballots newest first', () => {
		const lists = listsFromSnapshot({
			meetings: [meeting(1, '2026-11-01T00:00:00Z'), meeting(2, '2026-12-01T00:00:00Z')],
			ballots: [ballot(1, '2026-11-01T00:00:00Z'), ballot(2, '2026-11-20T00:00:00Z')],
			epoch: 'e',
			seq: 1
		});
		expect(lists.meetings.map((m) => m.id)).toEqual([2, 1]);
		expect(lists.ballots.map((b) => b.id)).toEqual([2, 1]);
	});

	it('replaces a session and adds a new one in order', () => {
		const lists = { meetings: [meeting(1, '2026-11-01T00:00:00Z')], ballots: [] };
		let r = applyBodyEvent(lists, 'meeting.updated', { meeting: meeting(1, '2026-11-01T00:00:00Z', 'live') });
		expect(r.lists.meetings).toEqual([meeting(1, '2026-11-01T00:00:00Z', 'live')]);
		r = applyBodyEvent(r.lists, 'meeting.updated', { meeting: meeting(3, '2026-11-30T00:00:00Z') });
		expect(r.lists.meetings.map((m) => m.id)).toEqual([3, 1]);
	});

	it('keeps the caller’s answers when an event replaces a ballot', () => {
		const mine = [{ question_id: 1, member_id: 5, choice: 'agree' as const, comment: '', answered_at: '', signed: true }];
		const held = [ballot(1, '2026-11-01T00:00:00Z', { mine })];
		expect(upsertBallot(held, ballot(1, '2026-11-01T00:00:00Z', { status: 'closed' }))[0]).toMatchObject({
			status: 'closed',
			mine
		});
		expect(upsertBallot(held, ballot(1, '2026-11-01T00:00:00Z', { mine: [] }))[0].mine).toEqual([]);
	});

	it('counts answers and passes a reminder on', () => {
		const lists = { meetings: [], ballots: [ballot(1, '2026-11-01T00:00:00Z')] };
		expect(applyBodyEvent(lists, 'ballot.progress', { ballot_id: 1, answered: 4, recipients: 27 }).lists.ballots[0].answered).toBe(4);
		const note = { id: 9, subject: 'Nhắc trả lời phiếu' };
		const r = applyBodyEvent(lists, 'ballot.reminder', { notification: note });
		expect(r.reminder).toBe(note);
		expect(r.lists).toBe(lists);
		const task = { id: 10, subject: 'Nhiệm vụ sắp đến hạn', ref: 'task:4' };
		expect(applyBodyEvent(lists, 'task.reminder', { notification: task }).reminder).toBe(task);
		expect(applyBodyEvent(lists, 'task.updated', { task: { id: 4 } })).toEqual({ lists });
	});
});
