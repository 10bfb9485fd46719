import type { AgendaItem, Attendance, Document, Meeting, MeetingState, Minutes, Position, PositionsView, Quorum, Speaker, Vote } from '$lib/api/types';

/** An event of the meeting scope: its name and data (backend/hub/PROTOCOL.md). */
export interface MeetingEvent {
	event: string;
	data: unknown;
}

function upsert<T>(list: T[], item: T, same: (a: T) => boolean): T[] {
	const i = list.findIndex(same);
	if (i < 0) return [...list, item];
	const out = list.slice();
	out[i] = item;
	return out;
}

/**
 * A vote as this member should hold it: events carry the vote as everyone
 * sees it, without the caller's own `voted` and `my_choice`, which are kept.
 */
function mergeVote(held: Vote | undefined, incoming: Vote): Vote {
	if (!held) return incoming;
	return { ...incoming, voted: incoming.voted || held.voted, my_choice: incoming.my_choice || held.my_choice };
}

/**
 * Positions as this reader holds them: the counts of an event replace the
 * held ones; the reader's own position, which events to everyone do not
 * carry, is kept.
 */
export function mergePositions(held: PositionsView | undefined, incoming: PositionsView): PositionsView {
	if (!held) return incoming;
	return {
		...incoming,
		items: incoming.items.map((it) => {
			const mine = it.mine ?? held.items.find((h) => h.item_id === it.item_id)?.mine;
			return mine ? { ...it, mine } : it;
		})
	};
}

/** Applies one event by replacing the entities it carries; unknown events change nothing. */
export function applyMeetingEvent(state: MeetingState, { event, data }: MeetingEvent): MeetingState {
	const d = data as Record<string, unknown>;
	switch (event) {
		case 'meeting.updated':
			return { ...state, meeting: d.meeting as Meeting };
		case 'agenda.updated':
			return { ...state, agenda: d.agenda as AgendaItem[] };
		case 'attendance.updated': {
			const row = d.attendance as Attendance;
			return {
				...state,
				attendance: upsert(state.attendance, row, (a) => a.member_id === row.member_id),
				quorum: d.quorum as Quorum
			};
		}
		case 'attendance.batch': {
			let attendance = state.attendance;
			for (const row of d.attendance as Attendance[]) attendance = upsert(attendance, row, (a) => a.member_id === row.member_id);
			return { ...state, attendance, quorum: d.quorum as Quorum };
		}
		case 'speakers.updated': {
			const item = d.item_id as number;
			return { ...state, speakers: [...state.speakers.filter((s) => s.item_id !== item), ...(d.speakers as Speaker[])] };
		}
		case 'document.updated': {
			const doc = d.document as Document;
			return { ...state, documents: upsert(state.documents, doc, (x) => x.id === doc.id) };
		}
		case 'document.removed':
			return { ...state, documents: state.documents.filter((x) => x.id !== d.document_id) };
		case 'vote.opened':
		case 'vote.closed': {
			const vote = d.vote as Vote;
			const held = state.votes.find((v) => v.id === vote.id);
			return { ...state, votes: upsert(state.votes, mergeVote(held, vote), (v) => v.id === vote.id) };
		}
		case 'positions.updated':
			return { ...state, positions: mergePositions(state.positions, d.positions as PositionsView) };
		case 'minutes.published':
			return { ...state, minutes: d.minutes as Minutes };
		case 'vote.progress':
			return {
				...state,
				votes: state.votes.map((v) => (v.id === d.vote_id ? { ...v, cast: d.cast as number } : v))
			};
		default:
			return state;
	}
}

/** Puts a vote the caller just cast or changed (its REST answer) into the state. */
export function withVote(state: MeetingState, vote: Vote): MeetingState {
	return { ...state, votes: upsert(state.votes, vote, (v) => v.id === vote.id) };
}

/** The active agenda item, if the session has one. */
export function activeItem(agenda: AgendaItem[]): AgendaItem | undefined {
	return agenda.find((it) => it.status === 'active');
}

/** The open vote, if any (a session has at most one). */
export function openVote(votes: Vote[]): Vote | undefined {
	return votes.find((v) => v.status === 'open');
}

/** The documents of one item (or of the session itself, item undefined). */
export function documentsOf(documents: Document[], item: number | undefined): Document[] {
	return documents.filter((doc) => doc.item_id === item);
}

/** The queue of an item in request order, waiting and speaking only. */
export function queueOf(speakers: Speaker[], item: number): Speaker[] {
	return speakers
		.filter((s) => s.item_id === item && (s.status === 'waiting' || s.status === 'speaking'))
		.sort((a, b) => a.requested_at.localeCompare(b.requested_at));
}

/** Puts the caller's own position (its REST answer) into the state. */
export function withMyPosition(state: MeetingState, p: Position): MeetingState {
	if (!state.positions) return state;
	return {
		...state,
		positions: { ...state.positions, items: state.positions.items.map((it) => (it.item_id === p.item_id ? { ...it, mine: p } : it)) }
	};
}
