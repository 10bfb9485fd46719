import type { Me } from '$lib/api/types';

/**
 * The last known sign-in (the answer of GET /me), kept on the device so
 * that the app can start without network: the member, their body and when
 * the sign-in ends. Never the CSRF token (useless offline, and a write
 * secret) and never the session cookie (HttpOnly: the app cannot read it).
 */
export const KEPT_ME_KEY = 'ecabinet.me';

type Store = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

export function keepMe(storage: Store | undefined, me: Me): void {
	try {
		storage?.setItem(KEPT_ME_KEY, JSON.stringify({ member: me.member, body: me.body, expires_at: me.expires_at }));
	} catch {
		// Storage full or disabled: the app then needs the network to start.
	}
}

/** The kept sign-in while it has not ended (its expires_at is the latest it can last), else null. */
export function keptMe(storage: Store | undefined, now: Date): Me | null {
	try {
		const raw = storage?.getItem(KEPT_ME_KEY);
		if (!raw) return null;
		const me = JSON.parse(raw) as Omit<Me, 'csrf_token'>;
		if (!me.member || !me.body || !(Date.parse(me.expires_at) > now.getTime())) return null;
		return { ...me, csrf_token: '' };
	} catch {
		return null;
	}
}

export function dropMe(storage: Store | undefined): void {
	try {
		storage?.removeItem(KEPT_ME_KEY);
	} catch {
		// Nothing kept.
	}
}
