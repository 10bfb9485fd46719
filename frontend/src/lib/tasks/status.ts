import type { Task, TaskStatus } from '$lib/api/tasks';
import { toZonedInput } from '$lib/zoned';

type Tone = 'neutral' | 'good' | 'warn' | 'bad';

/** How each status looks: done on time is good, late a warning, overdue bad. */
export const TASK_TONES: Record<TaskStatus, Tone> = {
	in_progress: 'neutral',
	done_on_time: 'good',
	done_late: 'warn',
	overdue: 'bad'
};

/**
 * A task's status now. The server states it when it answers, but a task in
 * progress becomes overdue when its deadline passes with no event, so the
 * client compares the deadline with the clock (PROTOCOL.md).
 */
export function statusNow(task: Pick<Task, 'status' | 'deadline'>, now: Date): TaskStatus {
	return task.status === 'in_progress' && new Date(task.deadline).getTime() <= now.getTime() ? 'overdue' : task.status;
}

/** Days from one calendar date (YYYY-MM-DD) to another. */
function daysBetween(from: string, to: string): number {
	return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** What to say about the due date: days left, days overdue, or when it was done; counted on the body's calendar. */
export type Due = { kind: 'left'; days: number } | { kind: 'overdue'; days: number } | { kind: 'done'; at: string };

export function dueOf(task: Pick<Task, 'status' | 'deadline' | 'due_date' | 'completed_at'>, now: Date, timeZone: string): Due {
	if (task.completed_at) return { kind: 'done', at: task.completed_at };
	const today = toZonedInput(now, timeZone).slice(0, 10);
	if (statusNow(task, now) === 'overdue') return { kind: 'overdue', days: Math.max(daysBetween(task.due_date, today), 1) };
	return { kind: 'left', days: Math.max(daysBetween(today, task.due_date), 0) };
}

/** Whether the member may report progress: the lead member, a member of the lead organisation, or the secretariat. */
export function mayReport(task: Pick<Task, 'lead_member_id' | 'lead_org' | 'completed_at'>, me: { id: number; organization: string }, secretariat: boolean): boolean {
	if (task.completed_at) return false;
	return secretariat || task.lead_member_id === me.id || (!!task.lead_org && task.lead_org === me.organization);
}

/** Replaces or adds a task (from task.updated) in a list kept in deadline order. */
export function upsertTask(list: Task[], task: Task): Task[] {
	return [...list.filter((t) => t.id !== task.id), task].sort((a, b) => a.deadline.localeCompare(b.deadline) || a.id - b.id);
}
