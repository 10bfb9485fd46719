import { api } from './index';
import type { Vote, VoteInput } from './types';

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
