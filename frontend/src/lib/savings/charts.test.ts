import { describe, expect, it } from 'vitest';
import type { LedgerSummary } from '$lib/api/ledger';
import { activePeriods, savingsSeries } from './charts';

const summary = (period: string, pages: number, meetings: number, saving: number): LedgerSummary =>
	({
		period,
		meetings,
		ballots: 0,
		paper: { pages_avoided: pages, pages_printed: 10, cost_avoided_vnd: pages * 1500 },
		time: { planned_minutes: 100, actual_minutes: 100 - saving, saving_pc: saving }
	}) as LedgerSummary;

describe('savings series', () => {
	it('puts one value per period in every series, labelled for the axis', () => {
		const s = savingsSeries([summary('2025-12', 100, 1, 30.2), summary('2026-01', 0, 0, 0)], 'vi');
		expect(s.categories.map((c) => [c.short, c.year])).toEqual([
			['T12', '2025'],
			['T1', '2026']
		]);
		expect(s.pagesAvoided).toEqual([100, 0]);
		expect(s.costAvoided).toEqual([150000, 0]);
		expect(s.actualMinutes).toEqual([69.8, 100]);
		expect(s.savingPc).toEqual([30.2, 0]);
	});

	it('offers the periods with activity, latest first', () => {
		expect(activePeriods([summary('2025-12', 1, 1, 0), summary('2026-01', 0, 0, 0), summary('2026-02', 5, 2, 0)])).toEqual(['2026-02', '2025-12']);
	});
});
