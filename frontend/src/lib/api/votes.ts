import { api } from './index';
import type { Vote, VoteInput, VoteTurnout } from './types';

export function openVote(meetingId: number, input: VoteInput): Promise<Vote> {
	return api.post<Vote>(`/meetings/${meetingId}/votes`, input);
}

/** Casts the caller's vote; a retry with the same key is answered, not counted, again. */
export function castVote(id: number, option: string, idempotencyKey: string): Promise<Vote> {
	return api.post<Vote>(`/votes/${id}/cast`, { option }, { headers: { 'Idempotency-Key': idempotencyKey } });
}

export function closeVote(id: number): Promise<Vote> {
	return api.post<Vote>(`/votes/${id}/close`);
}

/** Who has voted and who has not, by member, never a choice (the chair and the secretariat). */
export function getTurnout(id: number, signal?: AbortSignal): Promise<VoteTurnout> {
	return api.get<VoteTurnout>(`/votes/${id}/turnout`, { signal });
}
