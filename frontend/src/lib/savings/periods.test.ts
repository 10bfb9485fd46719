import { describe, expect, it } from 'vitest';
import type { LedgerSummary } from '$lib/api/ledger';
import { fillPeriods, monthRange, periodChoices, periodKeys, periodLabel, periodRange } from './periods';

const HCM = 'Asia/Ho_Chi_Minh';
const now = new Date('2026-11-22T03:00:00Z');

describe('dashboard periods', () => {
	it('covers the last twelve months on the body’s clocks', () => {
		expect(periodRange('last12', now, HCM)).toEqual({ from: '2025-11-30T17:00:00.000Z', to: '2026-11-30T17:00:00.000Z' });
		expect(periodRange('year:2025', now, HCM)).toEqual({ from: '2024-12-31T17:00:00.000Z', to: '2025-12-31T17:00:00.000Z' });
		expect(periodRange('all', now, HCM)).toEqual({});
		// Just after midnight on 1 December in Hanoi is still 30 November in UTC.
		expect(periodRange('last12', new Date('2026-11-30T18:00:00Z'), HCM).to).toBe('2026-12-31T17:00:00.000Z');
	});

	it('lists every month or year of a range, empty ones included', () => {
		const r = periodRange('last12', now, HCM);
		const months = periodKeys(r, 'month', HCM);
		expect(months).toHaveLength(12);
		expect(months[0]).toBe('2025-12');
		expect(months.at(-1)).toBe('2026-11');
		expect(periodKeys(r, 'year', HCM)).toEqual(['2025', '2026']);
		expect(periodKeys({}, 'month', HCM)).toEqual([]);
	});

	it('fills the months without activity with zeros, in order', () => {
		const march = { period: '2026-03', meetings: 3, ballots: 60 } as LedgerSummary;
		const filled = fillPeriods([march], ['2026-02', '2026-03', '2026-04'], 30);
		expect(filled.map((p) => p.period)).toEqual(['2026-02', '2026-03', '2026-04']);
		expect(filled[1]).toBe(march);
		expect(filled[0].paper.pages_avoided).toBe(0);
		expect(filled[2].time.target_pc).toBe(30);
	});

	it('names months for axes and in full', () => {
		expect(periodLabel('2026-03', 'vi')).toEqual({ short: 'T3', year: '2026', full: 'Tháng 3/2026' });
		expect(periodLabel('2026-03', 'en')).toEqual({ short: 'Mar', year: '2026', full: 'March 2026' });
		expect(periodLabel('2026', 'vi').full).toBe('2026');
	});

	it('gives one month as a range for the drill-down', () => {
		expect(monthRange('2026-12', HCM)).toEqual({ from: '2026-11-30T17:00:00.000Z', to: '2026-12-31T17:00:00.000Z' });
	});

	it('offers this year and the two before', () => {
		expect(periodChoices(now, HCM)).toEqual(['last12', 'year:2026', 'year:2025', 'year:2024', 'all']);
	});
});
