import type { Task } from '$lib/api/tasks';

/**
 * Who leads a task as a report names it: the lead organisation, or the lead
 * member with the organisation the task is credited to (a minister: their
 * ministry).
 */
export function leadLabel(task: Task, memberName: (id: number) => string): string {
	if (task.lead_org) return task.lead_org;
	if (!task.lead_member_id) return '';
	const name = memberName(task.lead_member_id);
	return task.organization ? `${name} (${task.organization})` : name;
}
