import { describe, expect, it } from 'vitest';
import type { MeetingState, Vote } from '$lib/api/types';
import { activeItem, applyMeetingEvent, documentsOf, openVote, queueOf, withVote } from './state';

const vote = (over: Partial<Vote> = {}): Vote => ({
	id: 1,
	meeting_id: 1,
	item_id: 10,
	question: 'Thông qua?',
	options: [],
	secret: false,
	status: 'open',
	opened_by: 2,
	opened_at: '2026-11-22T01:00:00Z',
	entitled: [5, 6],
	quorum_at_open: { present: 2, total: 3, required: 2, reached: true },
	cast: 0,
	voted: false,
	...over
});

function state(): MeetingState {
	return {
		meeting: { id: 1, status: 'live' } as MeetingState['meeting'],
		agenda: [
			{ id: 10, status: 'active' },
			{ id: 11, status: 'pending' }
		] as MeetingState['agenda'],
		attendance: [{ meeting_id: 1, member_id: 5, status: 'expected', updated_at: '' }],
		quorum: { present: 0, total: 3, required: 2, reached: false },
		speakers: [
			{ id: 1, item_id: 10, member_id: 5, status: 'waiting', requested_at: '2026-11-22T01:02:00Z' },
			{ id: 2, item_id: 11, member_id: 6, status: 'waiting', requested_at: '2026-11-22T01:01:00Z' }
		],
		documents: [{ id: 7, meeting_id: 1, item_id: 10, title: 'A' } as MeetingState['documents'][number]],
		votes: [],
		epoch: 'e',
		seq: 3,
		server_time: '2026-11-22T01:00:00Z'
	};
}

describe('applyMeetingEvent', () => {
	it('replaces the meeting and the whole agenda', () => {
		const s = applyMeetingEvent(state(), { event: 'agenda.updated', data: { agenda: [{ id: 11, status: 'active' }] } });
		expect(activeItem(s.agenda)?.id).toBe(11);
		const m = applyMeetingEvent(s, { event: 'meeting.updated', data: { meeting: { id: 1, status: 'adjourned' } } });
		expect(m.meeting.status).toBe('adjourned');
		expect(m.agenda).toBe(s.agenda);
	});

	it('replaces one attendance row and the quorum', () => {
		const s = applyMeetingEvent(state(), {
			event: 'attendance.updated',
			data: {
				attendance: { meeting_id: 1, member_id: 5, status: 'present', updated_at: '' },
				quorum: { present: 1, total: 3, required: 2, reached: false }
			}
		});
		expect(s.attendance).toEqual([{ meeting_id: 1, member_id: 5, status: 'present', updated_at: '' }]);
		expect(s.quorum.present).toBe(1);
	});

	it('applies several attendance rows at once with the quorum after them', () => {
		const row = (member_id: number, status: string) => ({ meeting_id: 1, member_id, status, updated_at: '' });
		let s = applyMeetingEvent(state(), { event: 'attendance.updated', data: { attendance: row(5, 'present'), quorum: { present: 1, total: 3, required: 2, reached: false } } });
		s = applyMeetingEvent(s, {
			event: 'attendance.batch',
			data: { attendance: [row(5, 'absent'), row(6, 'present'), row(7, 'present')], quorum: { present: 2, total: 3, required: 2, reached: true } }
		});
		expect(s.attendance.map((a) => [a.member_id, a.status])).toEqual([
			[5, 'absent'],
			[6, 'present'],
			[7, 'present']
		]);
		expect(s.quorum.reached).toBe(true);
	});

	it('replaces the queue of one item only', () => {
		const s = applyMeetingEvent(state(), { event: 'speakers.updated', data: { item_id: 10, speakers: [] } });
		expect(s.speakers.map((x) => x.id)).toEqual([2]);
	});

	it('adds, replaces and removes documents', () => {
		let s = applyMeetingEvent(state(), { event: 'document.updated', data: { document: { id: 8, item_id: 11, title: 'B' } } });
		s = applyMeetingEvent(s, { event: 'document.updated', data: { document: { id: 7, item_id: 10, title: 'A2' } } });
		expect(s.documents.map((d) => d.title)).toEqual(['A2', 'B']);
		s = applyMeetingEvent(s, { event: 'document.removed', data: { document_id: 7 } });
		expect(documentsOf(s.documents, 11).map((d) => d.id)).toEqual([8]);
		expect(documentsOf(s.documents, 10)).toEqual([]);
	});

	it('opens, counts and closes a vote, keeping the caller’s own vote', () => {
		let s = applyMeetingEvent(state(), { event: 'vote.opened', data: { vote: vote() } });
		expect(openVote(s.votes)?.id).toBe(1);
		s = withVote(s, vote({ voted: true, my_choice: 'agree', cast: 1 }));
		s = applyMeetingEvent(s, { event: 'vote.progress', data: { vote_id: 1, cast: 2, entitled: 2 } });
		expect(s.votes[0]).toMatchObject({ cast: 2, voted: true, my_choice: 'agree' });
		s = applyMeetingEvent(s, { event: 'vote.closed', data: { vote: vote({ status: 'closed', cast: 2 }) } });
		expect(openVote(s.votes)).toBeUndefined();
		expect(s.votes[0]).toMatchObject({ status: 'closed', voted: true, my_choice: 'agree' });
	});

	it('ignores events it does not know', () => {
		const s = state();
		expect(applyMeetingEvent(s, { event: 'conclusion.published', data: {} })).toBe(s);
	});
});

describe('queueOf', () => {
	it('lists waiting and speaking requests of an item in request order', () => {
		const s = state();
		s.speakers.push(
			{ id: 3, item_id: 10, member_id: 7, status: 'speaking', requested_at: '2026-11-22T01:00:00Z' },
			{ id: 4, item_id: 10, member_id: 8, status: 'done', requested_at: '2026-11-22T00:59:00Z' }
		);
		expect(queueOf(s.speakers, 10).map((x) => x.id)).toEqual([3, 1]);
	});
});
