import { describe, expect, it } from 'vitest';
import type { MeetingState, Position, PositionsView } from '$lib/api/types';
import { applyMeetingEvent, mergePositions, withMyPosition } from './state';

const mine: Position = { item_id: 10, member_id: 5, stance: 'wish_to_speak', reason: '', updated_at: '2026-12-01T10:00:00Z' };

const view = (over: Partial<PositionsView['items'][number]> = {}): PositionsView => ({
	meeting_id: 1,
	cutoff: '2026-12-02T11:00:00Z',
	items: [{ item_id: 10, counts: { no_objection: 1, wish_to_speak: 0, object: 0 }, ...over }]
});

function state(positions?: PositionsView): MeetingState {
	return {
		meeting: { id: 1, status: 'published' } as MeetingState['meeting'],
		agenda: [],
		attendance: [],
		quorum: { present: 0, total: 3, required: 2, reached: false },
		speakers: [],
		documents: [],
		votes: [],
		positions,
		server_time: '2026-12-03T01:00:00Z',
		epoch: 'e',
		seq: 3
	};
}

describe('positions in the meeting state', () => {
	it('takes the counts of an event and keeps the member’s own position, which events to everyone do not carry', () => {
		const held = view({ mine });
		const incoming = view({ counts: { no_objection: 1, wish_to_speak: 1, object: 0 } });
		const merged = mergePositions(held, incoming);
		expect(merged.items[0].counts.wish_to_speak).toBe(1);
		expect(merged.items[0].mine).toEqual(mine);
	});

	it('applies positions.updated and minutes.published', () => {
		let s = applyMeetingEvent(state(view({ mine })), { event: 'positions.updated', data: { positions: view({ missing: [6] }) } });
		expect(s.positions?.items[0].missing).toEqual([6]);
		expect(s.positions?.items[0].mine).toEqual(mine);
		s = applyMeetingEvent(s, { event: 'minutes.published', data: { minutes: { meeting_id: 1, version: 2, status: 'published', text: 'x' } } });
		expect(s.minutes?.version).toBe(2);
	});

	it('puts the caller’s answer into its item only', () => {
		const s = withMyPosition(state(view()), mine);
		expect(s.positions?.items[0].mine).toEqual(mine);
		expect(withMyPosition(state(), mine).positions).toBeUndefined();
	});
});
