import { api } from './index';
import { query } from './query';
import type { components } from './schema';

// Assigned tasks and their statistics (backend/ecabinet/task.go, task_stats.go); the types are the generated schemas.

type Schemas = components['schemas'];

/** Never stored: derived from the deadline, the completion and the clock. */
export type TaskStatus = Schemas['Task']['status'];
export const TASK_STATUSES: readonly TaskStatus[] = ['in_progress', 'done_on_time', 'done_late', 'overdue'];

export type TaskReport = Schemas['TaskReport'];

export type Task = Schemas['Task'];

/** On create exactly one source (conclusion_id, optionally item_id, or ballot_id); none on edit. */
export type TaskInput = Schemas['TaskInput'];

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

export type TaskStats = Schemas['TaskStats'];

export type TaskStatsReport = Schemas['TaskStatsReport'];

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
