import { setSessionHooks } from '$lib/api';
import { fetchMe, login as apiLogin, logout as apiLogout, type SecondFactor } from '$lib/api/auth';
import { isApiError } from '$lib/api/error';
import { endSubscription } from '$lib/push/push';
import type { Body, Me, Member } from '$lib/api/types';
import { DEFAULT_TIMEZONE } from '$lib/format';
import { isSecretariat } from '$lib/roles';
import { dropMe, keepMe, keptMe } from './kept';

function storage(): Storage | undefined {
	return typeof localStorage === 'undefined' ? undefined : localStorage;
}

/**
 * loading: asking the server who is signed in; unreachable: the server did
 * not answer that question (offline start).
 */
export type SessionStatus = 'loading' | 'signed-in' | 'signed-out' | 'unreachable';

/** Why the sign-in screen is shown, for its notice. */
export type SignOutReason = 'expired' | 'signed-out' | null;

/** The signed-in member, their body and the CSRF token, for the whole app. */
class Session {
	status = $state<SessionStatus>('loading');
	me = $state.raw<Me | null>(null);
	reason = $state<SignOutReason>(null);
	/**
	 * Started without network from the sign-in kept on the device: nothing
	 * is sent that needs the CSRF token until the server has confirmed it.
	 */
	offline = $state(false);
	/** Signing out: the server ending the sign-in (4401, 401) is then expected, not an expiry. */
	#leaving = false;

	get member(): Member | null {
		return this.me?.member ?? null;
	}

	/** The time zone dates are shown in: the body's setting. */
	get timeZone(): string {
		return this.me?.body.settings.timezone || DEFAULT_TIMEZONE;
	}

	/**
	 * Asks the server whether a sign-in exists (at start and on retry).
	 * Without an answer, the app starts from the sign-in kept on the device
	 * while it lasts (so that kept documents and waiting answers are
	 * reachable), or says the server is unreachable.
	 */
	async load(): Promise<void> {
		this.status = 'loading';
		try {
			this.#start(await fetchMe());
		} catch (err) {
			if (isApiError(err) && err.code === 'unauthenticated') {
				dropMe(storage());
				this.me = null;
				this.status = 'signed-out';
				return;
			}
			const kept = keptMe(storage(), new Date());
			if (kept) {
				this.me = kept;
				this.reason = null;
				this.offline = true;
				this.status = 'signed-in';
			} else {
				this.status = 'unreachable';
			}
		}
	}

	/** After an offline start, asks the server again once the network is back; a 401 ends the sign-in. */
	async revalidate(): Promise<void> {
		if (!this.offline) return;
		try {
			this.#start(await fetchMe());
		} catch (err) {
			if (isApiError(err) && err.code === 'unauthenticated') this.#end('expired');
		}
	}

	/**
	 * Whether the body requires a second factor of this member, who has
	 * none yet: until enrolled, the server answers nothing else (403).
	 */
	get mustEnrol(): boolean {
		const me = this.me;
		return !!me && me.body.settings.mfa_required && isSecretariat(me.member.role) && !me.member.mfa_enabled;
	}

	/**
	 * Signs in; throws the ApiError (wrong password, mfa_required when a
	 * second factor is needed, a wrong code, rate limited, network).
	 */
	async login(username: string, password: string, second?: SecondFactor): Promise<void> {
		this.#start(await apiLogin(username, password, second));
	}

	/** Reads the sign-in again (after the member changed it, such as their second factor). */
	async refresh(): Promise<void> {
		this.#start(await fetchMe());
	}

	/** Signs out on the server, then here. A sign-in that had already ended is no error. */
	async logout(): Promise<void> {
		this.#leaving = true;
		try {
			await apiLogout();
		} catch (err) {
			if (!isApiError(err) || err.code !== 'unauthenticated') throw err;
		} finally {
			this.#leaving = false;
		}
		// A tablet may be shared: its notices must not follow the member who left.
		await endSubscription().catch(() => {});
		this.#end('signed-out');
	}

	/** The server said the sign-in ended (401 on a call, 4401 on the socket). */
	expire(): void {
		if (this.status === 'signed-in' && !this.#leaving) this.#end('expired');
	}

	/** Keeps the body (its settings) current after an edit. */
	setBody(body: Body): void {
		if (this.me) {
			this.me = { ...this.me, body };
			keepMe(storage(), this.me);
		}
	}

	#start(me: Me): void {
		keepMe(storage(), me);
		this.me = me;
		this.reason = null;
		this.offline = false;
		this.status = 'signed-in';
	}

	#end(reason: SignOutReason): void {
		dropMe(storage());
		this.offline = false;
		this.me = null;
		this.reason = reason;
		this.status = 'signed-out';
	}
}

export const session = new Session();

setSessionHooks({
	csrfToken: () => session.me?.csrf_token ?? null,
	onUnauthenticated: () => session.expire()
});
