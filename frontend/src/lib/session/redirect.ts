/** The sign-in screen. */
export const LOGIN_PATH = '/login';

/** Where a one-time link sets a member's password: open signed in or not. */
export const PASSWORD_PATH = '/password';

/** The sign-in address that brings the member back to url afterwards. */
export function loginHref(url: URL): string {
	const back = url.pathname + url.search;
	if (url.pathname === LOGIN_PATH || back === '/') return LOGIN_PATH;
	return `${LOGIN_PATH}?next=${encodeURIComponent(back)}`;
}

/**
 * Where to go after signing in: the `next` parameter when it is a path of
 * this app, the home screen otherwise (never another site).
 */
export function safeNext(next: string | null): string {
	if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return '/';
	let url: URL;
	try {
		url = new URL(next, 'http://app.invalid');
	} catch {
		return '/';
	}
	if (url.origin !== 'http://app.invalid' || url.pathname === LOGIN_PATH) return '/';
	return url.pathname + url.search + url.hash;
}
