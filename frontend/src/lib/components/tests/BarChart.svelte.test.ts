import { render } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import BarChart from '../charts/BarChart.svelte';

// The plot follows its width (bind:clientWidth); jsdom has no ResizeObserver.
globalThis.ResizeObserver ??= class {
	observe() {}
	unobserve() {}
	disconnect() {}
} as unknown as typeof ResizeObserver;

describe('BarChart', () => {
	it('names the goal line in the legend, with no label drawn over the bars', () => {
		const { container } = render(BarChart, {
			id: 'c',
			title: 'Tiết kiệm thời gian',
			description: 'Theo tháng',
			categories: [
				{ short: 'T10', year: '2026', full: 'Tháng 10/2026' },
				{ short: 'T11', year: '', full: 'Tháng 11/2026' }
			],
			series: [{ label: 'Tiết kiệm', tone: 'green', values: [35, 20] }],
			format: String,
			tick: String,
			reference: { value: 30, label: 'Mục tiêu 30%' }
		});
		expect(container.querySelector('.legend')?.textContent).toContain('Mục tiêu 30%');
		const texts = [...container.querySelectorAll('svg text')].map((t) => t.textContent);
		expect(texts).not.toContain('Mục tiêu 30%');
	});
});
