import { api } from './index';
import type { AgendaItem, Minutes, Position, PositionsView, Stance } from './types';

// Positions before a session, the consent block and the minutes
// (backend/ecabinet/position.go, minutes.go).

const m = (meetingId: number) => `/meetings/${meetingId}`;

export function getPositions(meetingId: number, signal?: AbortSignal): Promise<PositionsView> {
	return api.get<PositionsView>(`${m(meetingId)}/positions`, { signal });
}

/** Opens items for positions and sets the cut-off (null: the evening before). Secretariat. */
export function askPositions(meetingId: number, items: number[], cutoff: string | null): Promise<PositionsView> {
	return api.put<PositionsView>(`${m(meetingId)}/positions`, cutoff ? { items, cutoff } : { items });
}

/** Gives or changes the caller's position; an objection needs a reason. */
export function givePosition(meetingId: number, itemId: number, stance: Stance, reason: string): Promise<Position> {
	return api.put<Position>(`${m(meetingId)}/agenda/${itemId}/position`, { stance, reason });
}

export function remindPositions(meetingId: number): Promise<{ reminded: number }> {
	return api.post<{ reminded: number }>(`${m(meetingId)}/positions/remind`);
}

/** Applies the cut-off now: the consent block forms. Secretariat. */
export function closePositions(meetingId: number): Promise<PositionsView> {
	return api.post<PositionsView>(`${m(meetingId)}/positions/close`);
}

/** Pulls an item out of the consent block to discussion. */
export function pullItem(meetingId: number, itemId: number): Promise<AgendaItem[]> {
	return api.post<AgendaItem[]>(`${m(meetingId)}/agenda/${itemId}/pull`);
}

/** Takes the consent block with one decision (vote_id where the body decides it by vote). */
export function takeConsent(meetingId: number, voteId?: number): Promise<AgendaItem[]> {
	return api.post<AgendaItem[]>(`${m(meetingId)}/consent`, voteId ? { vote_id: voteId } : {});
}

export function getMinutes(meetingId: number, signal?: AbortSignal): Promise<Minutes> {
	return api.get<Minutes>(`${m(meetingId)}/minutes`, { signal });
}

/** Edits the draft; on published minutes, starts a correction (a new version). */
export function saveMinutes(meetingId: number, text: string): Promise<Minutes> {
	return api.put<Minutes>(`${m(meetingId)}/minutes`, { text });
}

export function publishMinutes(meetingId: number): Promise<Minutes> {
	return api.post<Minutes>(`${m(meetingId)}/minutes/publish`);
}

export function minutesVersions(meetingId: number, signal?: AbortSignal): Promise<Minutes[]> {
	return api.get<Minutes[]>(`${m(meetingId)}/minutes/versions`, { signal });
}

export const minutesPdfUrl = (meetingId: number, version?: number) =>
	`/api/v1${m(meetingId)}/minutes.pdf${version ? `?version=${version}` : ''}`;
