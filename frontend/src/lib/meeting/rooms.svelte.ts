import type { RealtimeClient } from '$lib/realtime/client';
import { LiveMeeting } from './live-meeting.svelte';

interface Held {
	room: LiveMeeting;
	holders: number;
	stop: () => void;
}

/**
 * The sessions the app follows, one subscription each however many screens
 * want it: the session's own screen and the shell's alerts (a vote, the
 * floor, the item, a pause) share one LiveMeeting per session.
 */
class Rooms {
	readonly #held = new Map<number, Held>();

	/** Follows session id (or joins its follower); release stops once nobody holds it. */
	acquire(client: RealtimeClient, id: number): { room: LiveMeeting; release: () => void } {
		let held = this.#held.get(id);
		if (!held) {
			const room = new LiveMeeting(id);
			held = { room, holders: 0, stop: room.start(client) };
			this.#held.set(id, held);
		}
		held.holders++;
		const h = held;
		let released = false;
		return {
			room: h.room,
			release: () => {
				if (released) return;
				released = true;
				if (--h.holders > 0) return;
				h.stop();
				this.#held.delete(id);
			}
		};
	}
}

export const rooms = new Rooms();
