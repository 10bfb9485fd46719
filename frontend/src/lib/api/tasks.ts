import { api } from './index';
import { query } from './query';

// Assigned tasks and their statistics (backend/ecabinet/task.go, task_stats.go).

/** Never stored: derived from the deadline, the completion and the clock. */
export type TaskStatus = 'in_progress' | 'done_on_time' | 'done_late' | 'overdue';
export const TASK_STATUSES: readonly TaskStatus[] = ['in_progress', 'done_on_time', 'done_late', 'overdue'];

export interface TaskReport {
	id: number;
	task_id: number;
	reported_by: number;
	note: string;
	done: boolean;
	created_at: string;
}

export interface Task {
	id: number;
	body_id: number;
	source: 'conclusion' | 'ballot';
	conclusion_id?: number;
	meeting_id?: number;
	item_id?: number;
	ballot_id?: number;
	title: string;
	description: string;
	lead_org?: string;
	lead_member_id?: number;
	/** Credited in statistics: the lead organisation, or the lead member's. */
	organization: string;
	co_units: string[];
	/** YYYY-MM-DD; the deadline is the end of that day in the body's time zone. */
	due_date: string;
	deadline: string;
	status: TaskStatus;
	assigned_by: number;
	assigned_at: string;
	completed_at?: string;
	updated_at: string;
	reports?: TaskReport[];
}

/** On create exactly one source (conclusion_id, optionally item_id, or ballot_id); none on edit. */
export interface TaskInput {
	conclusion_id?: number;
	item_id?: number;
	ballot_id?: number;
	title: string;
	description: string;
	lead_org?: string;
	lead_member_id?: number;
	co_units: string[];
	due_date: string;
}

export interface TaskFilter {
	status?: TaskStatus;
	organization?: string;
	meeting?: number;
	ballot?: number;
	/** Assigned in [from, to). */
	from?: string;
	to?: string;
	limit?: number;
	offset?: number;
}

export type StatsGroup = '' | 'organization' | 'month' | 'year';

export interface TaskStats {
	key: string;
	assigned: number;
	done: number;
	done_on_time: number;
	done_late: number;
	in_progress: number;
	overdue: number;
	done_pc: number;
	done_on_time_pc: number;
	done_late_pc: number;
	in_progress_pc: number;
	overdue_pc: number;
}

export interface TaskStatsReport {
	as_of: string;
	from?: string;
	to?: string;
	group: StatsGroup;
	total: TaskStats;
	groups: TaskStats[];
}

export interface StatsFilter {
	group?: StatsGroup;
	organization?: string;
	from?: string;
	to?: string;
}

/** The tasks the caller may see, by deadline. */
export function listTasks(f: TaskFilter, signal?: AbortSignal): Promise<Task[]> {
	return api.get<Task[]>(`/tasks${query({ ...f })}`, { signal });
}

/** One task with its progress reports. */
export function getTask(id: number, signal?: AbortSignal): Promise<Task> {
	return api.get<Task>(`/tasks/${id}`, { signal });
}

export function createTask(input: TaskInput): Promise<Task> {
	return api.post<Task>('/tasks', input);
}

export function updateTask(id: number, input: TaskInput): Promise<Task> {
	return api.put<Task>(`/tasks/${id}`, input);
}

/** Reports progress (the lead, or the secretariat for it); done completes the task. */
export function reportTask(id: number, note: string, done: boolean): Promise<Task> {
	return api.post<Task>(`/tasks/${id}/reports`, { note, done });
}

export function getTaskStats(f: StatsFilter, signal?: AbortSignal): Promise<TaskStatsReport> {
	return api.get<TaskStatsReport>(`/tasks/stats${query({ ...f })}`, { signal });
}

export function taskStatsCsvUrl(f: StatsFilter): string {
	return `/api/v1/tasks/stats.csv${query({ ...f })}`;
}

/** Every matching task with its status (CSV; secretariat). */
export function tasksCsvUrl(f: TaskFilter): string {
	return `/api/v1/tasks/report.csv${query({ ...f, limit: undefined, offset: undefined })}`;
}
