import { listMembers } from '$lib/api/members';
import type { Member } from '$lib/api/types';

/** The body's members by id, loaded once per sign-in, for names on live screens. */
class Directory {
	byId = $state.raw<Map<number, Member>>(new Map());
	#loading: Promise<void> | null = null;

	/** Loads the members unless they are loaded or loading; a failure lets the next call try again. */
	load(): Promise<void> {
		this.#loading ??= listMembers().then(
			(list) => {
				this.byId = new Map(list.map((m) => [m.id, m]));
			},
			() => {
				this.#loading = null;
			}
		);
		return this.#loading;
	}

	clear(): void {
		this.byId = new Map();
		this.#loading = null;
	}

	/** The member's name, or "#id" until the list is in. */
	name(id: number): string {
		return this.byId.get(id)?.full_name ?? `#${id}`;
	}

	/** The member's title, or the organisation when there is none ("" until the list is in). */
	position(id: number): string {
		const m = this.byId.get(id);
		return m?.title || m?.organization || '';
	}

	/** Active members with a voting right, in the server's order. */
	get voting(): Member[] {
		return [...this.byId.values()].filter((m) => m.voting && m.active);
	}
}

export const directory = new Directory();
