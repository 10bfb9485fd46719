import type { Ballot, BodyState, Meeting, Notification } from '$lib/api/types';

/** What the body stream keeps: the lists of sessions and ballots the member may see. */
export interface BodyLists {
	meetings: Meeting[];
	ballots: Ballot[];
}

/** What an event did besides changing the lists: a reminder to show. */
export interface BodyEventResult {
	lists: BodyLists;
	reminder?: Notification;
}

const latestFirst = (a: Meeting, b: Meeting) => b.scheduled_start.localeCompare(a.scheduled_start) || b.id - a.id;
const newestFirst = (a: Ballot, b: Ballot) => b.created_at.localeCompare(a.created_at) || b.id - a.id;

export function listsFromSnapshot(s: BodyState): BodyLists {
	return { meetings: [...s.meetings].sort(latestFirst), ballots: [...s.ballots].sort(newestFirst) };
}

/** Replaces or adds a ballot; events carry no `mine`, so the caller's own answers are kept. */
export function upsertBallot(ballots: Ballot[], incoming: Ballot): Ballot[] {
	const held = ballots.find((b) => b.id === incoming.id);
	const ballot = held && incoming.mine === undefined ? { ...incoming, mine: held.mine } : incoming;
	return [...ballots.filter((b) => b.id !== incoming.id), ballot].sort(newestFirst);
}

export function upsertMeeting(meetings: Meeting[], incoming: Meeting): Meeting[] {
	return [...meetings.filter((m) => m.id !== incoming.id), incoming].sort(latestFirst);
}

/** Applies one event of the body scope. */
export function applyBodyEvent(lists: BodyLists, event: string, data: unknown): BodyEventResult {
	const d = data as Record<string, unknown>;
	switch (event) {
		case 'meeting.updated':
			return { lists: { ...lists, meetings: upsertMeeting(lists.meetings, d.meeting as Meeting) } };
		case 'ballot.updated':
			return { lists: { ...lists, ballots: upsertBallot(lists.ballots, d.ballot as Ballot) } };
		case 'ballot.progress':
			return {
				lists: {
					...lists,
					ballots: lists.ballots.map((b) => (b.id === d.ballot_id ? { ...b, answered: d.answered as number } : b))
				}
			};
		case 'ballot.reminder':
		case 'task.reminder':
		case 'position.reminder':
			return { lists, reminder: d.notification as Notification };
		default:
			return { lists };
	}
}
