import { api } from './index';

// Conclusion notices (thông báo kết luận), backend/ecabinet/conclusion.go.

export type ConclusionStatus = 'draft' | 'published';

/** The conclusion on one agenda item of the session. */
export interface ConclusionItem {
	item_id: number;
	text: string;
}

export interface Conclusion {
	id: number;
	body_id: number;
	meeting_id: number;
	number: string;
	title: string;
	text: string;
	items: ConclusionItem[];
	status: ConclusionStatus;
	created_by: number;
	created_at: string;
	updated_at: string;
	published_at?: string;
	published_by?: number;
}

export interface ConclusionInput {
	number: string;
	title: string;
	text: string;
	items: ConclusionItem[];
}

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
