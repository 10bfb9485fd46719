import { render } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import BarChart from '../charts/BarChart.svelte';

// The plot follows its width (bind:clientWidth); jsdom has no ResizeObserver.
globalThis.ResizeObserver ??= class {
	observe() {}
	unobserve() {}
	disconnect() {}
} as unknown as typeof ResizeObserver;
// jsdom lays nothing out: give the plot a tablet's width (a chart in the main column at 1024 px).
Object.defineProperty(HTMLElement.prototype, 'clientWidth', { configurable: true, get: () => 700 });

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

	it('slants long category labels so that no two overlap, and keeps every bar named', () => {
		const names = ['BNNPTNT', 'BLĐTBXH', 'BVHTTDL', 'TP. Hồ Chí Minh', 'TP. Hà Nội', 'Quảng Ninh', 'BKHĐT', 'BTNMT', 'BTTTT', 'NHNN', 'BGDĐT', 'BTC'];
		const { container } = render(BarChart, {
			id: 'org',
			title: 'Nhiệm vụ theo cơ quan',
			description: '12 cơ quan',
			categories: names.map((n) => ({ short: n, year: '', full: n })),
			series: [{ label: 'Đúng hạn', tone: 'green', values: names.map((_, i) => i + 1) }],
			stacked: true,
			format: String,
			tick: String
		});
		const labels = [...container.querySelectorAll('svg text.cat')];
		expect(labels.map((t) => t.textContent)).toEqual(names);
		for (const t of labels) expect(t.getAttribute('transform')).toMatch(/^rotate\(-45 /);
		// The plot keeps its height; the slanted labels get room under it.
		const svg = container.querySelector('svg')!;
		expect(Number(svg.getAttribute('height'))).toBeGreaterThan(240);
	});

	it('keeps short labels level', () => {
		const { container } = render(BarChart, {
			id: 'm',
			title: 'Theo tháng',
			description: 'Ba tháng',
			categories: ['T9', 'T10', 'T11'].map((n) => ({ short: n, year: '', full: n })),
			series: [{ label: 'Đúng hạn', tone: 'green', values: [1, 2, 3] }],
			format: String,
			tick: String
		});
		for (const t of container.querySelectorAll('svg text.cat')) expect(t.getAttribute('transform')).toBeNull();
	});
});
