import { listBallots } from '$lib/api/ballots';
import { listMeetings } from '$lib/api/meetings';
import type { Ballot, BodyState, Meeting, Notification } from '$lib/api/types';
import type { RealtimeClient } from '$lib/realtime/client';
import { applyBodyEvent, listsFromSnapshot, upsertBallot, upsertMeeting } from './feed-state';

/** A screen's interest in the body's events (tasks, conclusions, the ledger). */
export type BodyListener = (event: string, data: unknown) => void;

/**
 * The body's stream (scope body:<id>), followed by the shell while signed
 * in: the sessions and ballots lists stay current, reminders show up, and
 * screens that listen hear every event.
 */
class BodyFeed {
	meetings = $state.raw<Meeting[]>([]);
	ballots = $state.raw<Ballot[]>([]);
	/** Whether a snapshot arrived since the start. */
	ready = $state(false);
	reminders = $state.raw<Notification[]>([]);
	#stop: (() => void) | null = null;
	readonly #listeners = new Set<BodyListener>();

	start(client: RealtimeClient, bodyId: number): void {
		this.stop();
		this.#stop = client.subscribe(`body:${bodyId}`, {
			snapshot: (data) => {
				const lists = listsFromSnapshot(data as BodyState);
				this.meetings = lists.meetings;
				this.ballots = lists.ballots;
				this.ready = true;
			},
			event: (frame) => {
				const r = applyBodyEvent({ meetings: this.meetings, ballots: this.ballots }, frame.event, frame.data);
				this.meetings = r.lists.meetings;
				this.ballots = r.lists.ballots;
				if (r.reminder) this.reminders = [...this.reminders, r.reminder];
				for (const fn of this.#listeners) fn(frame.event, frame.data);
			}
		});
	}

	/**
	 * Reads the lists over HTTP when the stream has not delivered them yet
	 * (a slow or blocked WebSocket); the stream's snapshot replaces them.
	 */
	async load(): Promise<void> {
		if (this.ready) return;
		const [meetings, ballots] = await Promise.all([listMeetings(), listBallots()]);
		if (this.ready) return;
		const lists = listsFromSnapshot({ meetings, ballots, epoch: '', seq: 0 });
		this.meetings = lists.meetings;
		this.ballots = lists.ballots;
		this.ready = true;
	}

	/** Calls fn with every event of the stream until the returned function is called. */
	listen(fn: BodyListener): () => void {
		this.#listeners.add(fn);
		return () => this.#listeners.delete(fn);
	}

	stop(): void {
		this.#stop?.();
		this.#stop = null;
		this.meetings = [];
		this.ballots = [];
		this.reminders = [];
		this.ready = false;
	}

	/** Keeps a ballot the member just changed (its REST answer) before the event arrives. */
	putBallot(ballot: Ballot): void {
		this.ballots = upsertBallot(this.ballots, ballot);
	}

	putMeeting(meeting: Meeting): void {
		this.meetings = upsertMeeting(this.meetings, meeting);
	}

	dismissReminder(id: number): void {
		this.reminders = this.reminders.filter((n) => n.id !== id);
	}
}

export const bodyFeed = new BodyFeed();
