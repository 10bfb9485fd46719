import type { Meeting } from '$lib/api/types';

/** How long before a session's scheduled start members may check in (they arrive, or join from a remote site). */
export const CHECK_IN_BEFORE_MS = 2 * 3600_000;

/**
 * Whether a member may check in to a session now: while it runs, or from
 * CHECK_IN_BEFORE_MS before its scheduled start once published. Earlier, a
 * tap would record a member "present" days before the session (and count
 * them towards its quorum): opensAt says from when instead.
 */
export function checkInWindow(meeting: Pick<Meeting, 'status' | 'scheduled_start'>, now: number): { open: boolean; opensAt: Date | null } {
	if (meeting.status === 'live' || meeting.status === 'adjourned') return { open: true, opensAt: null };
	if (meeting.status !== 'published') return { open: false, opensAt: null };
	const opens = Date.parse(meeting.scheduled_start) - CHECK_IN_BEFORE_MS;
	return now >= opens ? { open: true, opensAt: null } : { open: false, opensAt: new Date(opens) };
}
