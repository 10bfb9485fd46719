import { api } from './index';
import type { Member } from './types';

/** The members of the caller's body, ordered for display by the server. */
export function listMembers(signal?: AbortSignal): Promise<Member[]> {
	return api.get<Member[]>('/members', { signal });
}
