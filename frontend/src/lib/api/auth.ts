import { api } from './index';
import type { Me } from './types';

/** A second factor at sign-in: a code of the authenticator app, or one recovery code. */
export type SecondFactor = { totp: string } | { recovery_code: string };

/**
 * Signs in. A wrong password is an ApiError with code unauthenticated; a
 * member with a second factor gets mfa_required until one is given, and a
 * wrong code is unauthenticated again.
 */
export function login(username: string, password: string, second?: SecondFactor): Promise<Me> {
	return api.post<Me>('/auth/login', { username, password, ...second }, { unauthenticatedIsAnswer: true });
}

export function logout(): Promise<void> {
	return api.post<void>('/auth/logout', undefined, { unauthenticatedIsAnswer: true });
}

/** The current sign-in; 401 (no sign-in) is an ApiError with code unauthenticated. */
export function fetchMe(): Promise<Me> {
	return api.get<Me>('/me', { unauthenticatedIsAnswer: true });
}
