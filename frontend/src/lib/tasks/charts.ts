import type { TaskStats } from '$lib/api/tasks';
import type { ChartCategory } from '$lib/components/charts/BarChart.svelte';
import type { Lang } from '$lib/i18n/lang';
import { periodLabel } from '$lib/savings/periods';

/** Counts of a chart of tasks: done on time, done late, in progress, overdue; one value per group. */
export interface TaskSeries {
	categories: ChartCategory[];
	onTime: number[];
	late: number[];
	inProgress: number[];
	overdue: number[];
}

/**
 * An organisation's short name on an axis: the first letter of each word
 * (Bộ Tài chính: BTC), as ministries abbreviate themselves; the full name
 * stays in the bars' titles and the table.
 */
export function orgShort(name: string): string {
	const letters = name
		.split(/\s+/)
		.filter(Boolean)
		.map((w) => w[0].toLocaleUpperCase('vi'));
	return letters.join('') || '—';
}

/** The most tasks first, at most limit groups (the organisations charted). */
export function largest(groups: TaskStats[], limit: number): TaskStats[] {
	return [...groups].sort((a, b) => b.assigned - a.assigned || a.key.localeCompare(b.key, 'vi')).slice(0, limit);
}

/** The series of groups keyed by organisation or by period (month, year). */
export function taskSeries(groups: TaskStats[], by: 'organization' | 'period', lang: Lang): TaskSeries {
	return {
		categories: groups.map((g) => (by === 'organization' ? { short: orgShort(g.key), year: '', full: g.key || '—' } : periodLabel(g.key, lang))),
		onTime: groups.map((g) => g.done_on_time),
		late: groups.map((g) => g.done_late),
		inProgress: groups.map((g) => g.in_progress),
		overdue: groups.map((g) => g.overdue)
	};
}
