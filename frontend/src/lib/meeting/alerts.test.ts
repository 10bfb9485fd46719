import { describe, expect, it } from 'vitest';
import type { Meeting, MeetingState } from '$lib/api/types';
import { alertsBetween, markOf } from './alerts';

const meeting = (status: string) => ({ id: 4, title: 'Phiên họp tháng 12', status }) as Meeting;
const state = (status: string, active: number | null, speaking: number[] = []) =>
	({
		meeting: meeting(status),
		agenda: [
			{ id: 1, title: 'Nội dung 1', status: active === 1 ? 'active' : 'done' },
			{ id: 2, title: 'Nội dung 2', status: active === 2 ? 'active' : 'pending' }
		],
		speakers: speaking.map((m, i) => ({ id: i, item_id: active, member_id: m, status: 'speaking' }))
	}) as unknown as MeetingState;

const mark = (st: MeetingState | null, status: string = st?.meeting.status ?? 'published') => markOf(meeting(status), st, 7);
const between = (a: MeetingState | null, b: MeetingState | null, statusA?: string, statusB?: string) =>
	alertsBetween(mark(a, statusA), mark(b, statusB), meeting(statusB ?? b!.meeting.status), b).map((x) => x.kind);

describe('room alerts', () => {
	it('tells nothing on the first look', () => {
		const st = state('live', 1, [7]);
		expect(alertsBetween(undefined, mark(st), st.meeting, st)).toEqual([]);
	});

	it('tells of another item, with its title', () => {
		const b = state('live', 2);
		expect(alertsBetween(mark(state('live', 1)), mark(b), b.meeting, b)).toEqual([
			{ kind: 'item', meetingId: 4, meetingTitle: 'Phiên họp tháng 12', itemTitle: 'Nội dung 2' }
		]);
		expect(between(state('live', null), state('live', 2))).toEqual(['item']);
	});

	it('says nothing of an item while the session was not followed', () => {
		expect(between(null, state('live', 1), 'live')).toEqual([]);
	});

	it('tells the member given the floor, not the others', () => {
		expect(between(state('live', 1), state('live', 1, [7]))).toEqual(['floor']);
		expect(between(state('live', 1), state('live', 1, [8]))).toEqual([]);
	});

	it('tells of the opening, a pause, a resumption and the close', () => {
		expect(between(null, null, 'published', 'live')).toEqual(['started']);
		expect(between(state('live', 1), state('adjourned', 1))).toEqual(['adjourned']);
		expect(between(state('adjourned', 1), state('live', 1))).toEqual(['resumed']);
		expect(between(state('live', 1), null, 'live', 'closed')).toEqual(['closed']);
	});
});
