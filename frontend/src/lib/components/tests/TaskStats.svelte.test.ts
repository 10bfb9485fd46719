import { render, within } from '@testing-library/svelte';
import { beforeEach, describe, expect, it } from 'vitest';
import type { TaskStats, TaskStatsReport } from '$lib/api/tasks';
import { i18n } from '$lib/i18n/i18n.svelte';
import StatsSummary from '../tasks/StatsSummary.svelte';
import TaskCharts from '../tasks/TaskCharts.svelte';

// The plot follows its width (bind:clientWidth); jsdom has no ResizeObserver.
globalThis.ResizeObserver ??= class {
	observe() {}
	unobserve() {}
	disconnect() {}
} as unknown as typeof ResizeObserver;

const stats = (key: string): TaskStats => ({
	key,
	assigned: 10,
	done: 5,
	done_on_time: 3,
	done_late: 2,
	in_progress: 4,
	overdue: 1,
	done_pc: 50,
	done_on_time_pc: 30,
	done_late_pc: 20,
	in_progress_pc: 40,
	overdue_pc: 10
});
const report = (key: string): TaskStatsReport => ({ as_of: '2026-12-03T00:00:00Z', group: 'organization', total: stats(''), groups: [stats(key)] });
const tone = (el: Element) => [...el.classList].find((c) => c.startsWith('tone-'));

beforeEach(() => i18n.set('vi'));

describe('task statistics', () => {
	it('colours each count alike on its card, its bars and the legend', () => {
		const cards = render(StatsSummary, { stats: stats('') }).getByTestId('task-stats');
		const { container } = render(TaskCharts, { byOrganization: report('Bộ Tài chính'), byMonth: report('2026-11') });
		const legend = container.querySelector('#chart-tasks-org-caption .legend') as HTMLElement;
		const swatch = (label: string) => within(legend).getByText(label).querySelector('.swatch')!;
		const pairs: [string, string][] = [
			['done_on_time', 'Đã hoàn thành – Đúng hạn'],
			['done_late', 'Đã hoàn thành – Quá hạn'],
			['in_progress', 'Đang thực hiện trong hạn'],
			['overdue', 'Quá hạn chưa hoàn thành']
		];
		for (const [key, label] of pairs) {
			const card = within(cards).getByTestId(`stat-${key}`);
			expect(tone(card), key).toBeDefined();
			expect(tone(card), key).toBe(tone(swatch(label)));
		}
		// One colour per count: no two cards alike.
		const tones = within(cards).getAllByRole('listitem').map(tone);
		expect(new Set(tones).size).toBe(5);
		// The bars of a count are painted as its swatch.
		const bars = [...container.querySelectorAll('#chart-tasks-org-caption ~ .plot rect.bar')].map(tone);
		expect(bars).toEqual(pairs.map(([, label]) => tone(swatch(label))));
	});
});
