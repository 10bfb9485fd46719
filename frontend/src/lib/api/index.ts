import { i18n } from '$lib/i18n/i18n.svelte';
import { ApiClient } from './client';
import type { ApiError } from './error';

/** What the sign-in state gives the API client; set by the session. */
export interface SessionHooks {
	csrfToken(): string | null;
	onUnauthenticated(err: ApiError): void;
}

let hooks: SessionHooks = { csrfToken: () => null, onUnauthenticated: () => {} };

export function setSessionHooks(h: SessionHooks): void {
	hooks = h;
}

/** The hooks in force, for requests made outside the JSON client (uploads). */
export function sessionHooks(): SessionHooks {
	return hooks;
}

/** The app's one client of /api/v1. */
export const api = new ApiClient({
	base: '/api/v1',
	lang: () => i18n.lang,
	csrfToken: () => hooks.csrfToken(),
	onUnauthenticated: (err) => hooks.onUnauthenticated(err)
});
