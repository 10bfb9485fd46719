import { isApiError } from '$lib/api/error';
import type { Messages } from '$lib/i18n/vi';

/** The text to show for a failure: the server's localized message, or the app's own. */
export function errorText(err: unknown, t: Messages): string {
	if (isApiError(err)) {
		if (err.message) return err.message;
		if (err.code === 'timeout' || err.code === 'bad_response') return t.errors[err.code];
	}
	return t.errors.network;
}
