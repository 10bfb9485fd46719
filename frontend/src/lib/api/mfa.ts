import { api } from './index';
import type { components } from './schema';

/** A new, not yet enabled second factor: the secret to type, and the same as a URI for a QR code. */
export type MfaSetup = components['schemas']['MFASetup'];

/** Starts enrolling an authenticator app (a new secret each time). */
export function setupMfa(): Promise<MfaSetup> {
	return api.post<MfaSetup>('/me/mfa');
}

/** Turns the second factor on with a first code; answers ten one-time recovery codes, shown once. */
export async function enableMfa(code: string): Promise<string[]> {
	return (await api.post<{ recovery_codes: string[] }>('/me/mfa/enable', { code })).recovery_codes;
}

/** Turns the second factor off with a current code (refused where the body requires it). */
export function disableMfa(code: string): Promise<void> {
	return api.post<void>('/me/mfa/disable', { code });
}
