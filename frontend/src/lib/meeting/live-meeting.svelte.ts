import { getMeetingState } from '$lib/api/meetings';
import { isApiError } from '$lib/api/error';
import type { MeetingState } from '$lib/api/types';
import type { RealtimeClient } from '$lib/realtime/client';
import { serverClock } from './speaking.svelte';
import { applyMeetingEvent } from './state';

/**
 * One session as this member sees it, kept current: the state from
 * GET …/state, then the scope meeting:<id> from that position (the server
 * replays what happened in between, and after every reconnection resumes
 * where the app stood). Without an answer to the first load (offline), the
 * subscription starts from a snapshot once the connection is back.
 */
export class LiveMeeting {
	state = $state.raw<MeetingState | null>(null);
	/** The first load failed for good (not found) or the scope was refused. */
	failure = $state<unknown>(null);
	readonly id: number;

	constructor(id: number) {
		this.id = id;
	}

	/** Loads and follows; returns a function that stops following. */
	start(client: RealtimeClient): () => void {
		const ctl = new AbortController();
		let unsubscribe: (() => void) | null = null;
		const follow = (from?: MeetingState) => {
			if (ctl.signal.aborted) return;
			unsubscribe = client.subscribe(
				`meeting:${this.id}`,
				{
					snapshot: (data) => {
						this.state = data as MeetingState;
						serverClock.observe(this.state.server_time);
						this.failure = null;
					},
					event: (frame) => {
						if (this.state) this.state = applyMeetingEvent(this.state, frame);
					},
					error: (frame) => {
						this.failure = frame;
					}
				},
				from ? { epoch: from.epoch, seq: from.seq } : undefined
			);
		};
		getMeetingState(this.id, ctl.signal).then(
			(st) => {
				this.state = st;
				serverClock.observe(st.server_time);
				follow(st);
			},
			(err) => {
				if (ctl.signal.aborted) return;
				if (isApiError(err) && !err.fromClient) this.failure = err;
				else follow();
			}
		);
		return () => {
			ctl.abort();
			unsubscribe?.();
		};
	}

	/** Applies a change the member made (the REST answer) before its event arrives. */
	update(fn: (s: MeetingState) => MeetingState): void {
		if (this.state) this.state = fn(this.state);
	}
}
