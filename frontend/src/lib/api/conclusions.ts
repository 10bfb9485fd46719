import { api } from './index';
import type { components } from './schema';

// Conclusion notices (thông báo kết luận), backend/ecabinet/conclusion.go; the types are the generated schemas.

type Schemas = components['schemas'];

export type ConclusionStatus = Schemas['Conclusion']['status'];

/** The conclusion on one agenda item of the session. */
export type ConclusionItem = Schemas['ConclusionItem'];

export type Conclusion = Schemas['Conclusion'];

export type ConclusionInput = Schemas['ConclusionInput'];

const c = (meetingId: number) => `/meetings/${meetingId}/conclusion`;

/** The notices the caller may see, newest session first. */
export function listConclusions(signal?: AbortSignal): Promise<Conclusion[]> {
	return api.get<Conclusion[]>('/conclusions', { signal });
}

/** The same notices as CSV, a row per concluded agenda item. */
export const conclusionsCsvUrl = '/api/v1/conclusions.csv';

/** A session's notice; not_found when there is none (or not yet published for invitees). */
export function getConclusion(meetingId: number, signal?: AbortSignal): Promise<Conclusion> {
	return api.get<Conclusion>(c(meetingId), { signal });
}

/** Drafts the notice of a closed session, or replaces its draft (secretariat). */
export function saveConclusion(meetingId: number, input: ConclusionInput): Promise<Conclusion> {
	return api.put<Conclusion>(c(meetingId), input);
}

export function deleteConclusion(meetingId: number): Promise<void> {
	return api.delete<void>(c(meetingId));
}

/** Publishes the draft to the session's invitees; a published notice is final. */
export function publishConclusion(meetingId: number): Promise<Conclusion> {
	return api.post<Conclusion>(`${c(meetingId)}/publish`);
}
