import { api } from './index';
import type {
	AgendaItem,
	AgendaItemInput,
	Attendance,
	AttendanceInput,
	Meeting,
	MeetingAction,
	MeetingInput,
	MeetingState,
	Quorum,
	Speaker
} from './types';

const m = (id: number) => `/meetings/${id}`;

/** The sessions the caller may see, latest first. */
export function listMeetings(signal?: AbortSignal): Promise<Meeting[]> {
	return api.get<Meeting[]>('/meetings', { signal });
}

export function createMeeting(input: MeetingInput): Promise<Meeting> {
	return api.post<Meeting>('/meetings', input);
}

export function updateMeeting(id: number, input: MeetingInput): Promise<Meeting> {
	return api.put<Meeting>(m(id), input);
}

/** A lifecycle step; reason (the chair's) starts a session without quorum. */
export function transition(id: number, action: MeetingAction, reason?: string): Promise<Meeting> {
	return api.post<Meeting>(`${m(id)}/transitions`, reason ? { action, reason } : { action });
}

/** The whole session as this member sees it, with its event position. */
export function getMeetingState(id: number, signal?: AbortSignal): Promise<MeetingState> {
	return api.get<MeetingState>(`${m(id)}/state`, { signal });
}

// Agenda: every change answers the whole ordered agenda.

export function addAgendaItem(id: number, input: AgendaItemInput): Promise<AgendaItem[]> {
	return api.post<AgendaItem[]>(`${m(id)}/agenda`, input);
}

export function updateAgendaItem(id: number, item: number, input: AgendaItemInput): Promise<AgendaItem[]> {
	return api.put<AgendaItem[]>(`${m(id)}/agenda/${item}`, input);
}

export function reorderAgenda(id: number, ids: number[]): Promise<AgendaItem[]> {
	return api.put<AgendaItem[]>(`${m(id)}/agenda`, { ids });
}

export function deferAgendaItem(id: number, item: number): Promise<AgendaItem[]> {
	return api.post<AgendaItem[]>(`${m(id)}/agenda/${item}/defer`);
}

export function activateAgendaItem(id: number, item: number): Promise<AgendaItem[]> {
	return api.post<AgendaItem[]>(`${m(id)}/agenda/${item}/activate`);
}

export function nextAgendaItem(id: number): Promise<AgendaItem[]> {
	return api.post<AgendaItem[]>(`${m(id)}/agenda/next`);
}

// Attendance.

interface AttendanceOne {
	attendance: Attendance;
	quorum: Quorum;
}

export function checkIn(id: number): Promise<AttendanceOne> {
	return api.post<AttendanceOne>(`${m(id)}/attendance/check-in`);
}

export function setAttendance(id: number, member: number, input: AttendanceInput): Promise<AttendanceOne> {
	return api.put<AttendanceOne>(`${m(id)}/attendance/${member}`, input);
}

/** Marks several invitees present, or absent with one reason, at once (all or nothing). */
export function setAttendanceBatch(
	id: number,
	input: { members: number[]; status: 'present' | 'absent'; reason?: string }
): Promise<{ attendance: Attendance[]; quorum: Quorum }> {
	return api.post(`${m(id)}/attendance/batch`, input);
}

// Speaking queue of an item.

const sp = (id: number, item: number) => `${m(id)}/agenda/${item}/speakers`;

export function requestFloor(id: number, item: number): Promise<Speaker[]> {
	return api.post<Speaker[]>(sp(id, item));
}

export function withdrawFloor(id: number, item: number): Promise<Speaker[]> {
	return api.delete<Speaker[]>(`${sp(id, item)}/me`);
}

export function giveFloor(id: number, item: number, speaker: number): Promise<Speaker[]> {
	return api.post<Speaker[]>(`${sp(id, item)}/${speaker}/give`);
}

export function endFloor(id: number, item: number, speaker: number): Promise<Speaker[]> {
	return api.post<Speaker[]>(`${sp(id, item)}/${speaker}/end`);
}
