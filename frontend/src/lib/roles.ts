import type { Role } from '$lib/api/types';

/** The secretariat prepares and runs sessions and issues ballots (as ecabinet.Actor.IsSecretariat). */
export function isSecretariat(role: Role | undefined): boolean {
	return role === 'secretary' || role === 'admin';
}

/** The chair and the secretariat run a live session (as ecabinet.Actor.Presides). */
export function presides(role: Role | undefined): boolean {
	return role === 'chair' || isSecretariat(role);
}
