import type { LedgerSummary } from '$lib/api/ledger';
import type { ChartCategory } from '$lib/components/charts/BarChart.svelte';
import type { Lang } from '$lib/i18n/lang';
import { periodLabel } from './periods';

/** The dashboard's series, one value per period, in the periods' order. */
export interface SavingsSeries {
	categories: ChartCategory[];
	pagesAvoided: number[];
	pagesPrinted: number[];
	costAvoided: number[];
	plannedMinutes: number[];
	actualMinutes: number[];
	savingPc: number[];
}

export function savingsSeries(periods: LedgerSummary[], lang: Lang): SavingsSeries {
	return {
		categories: periods.map((p) => periodLabel(p.period, lang)),
		pagesAvoided: periods.map((p) => p.paper.pages_avoided),
		pagesPrinted: periods.map((p) => p.paper.pages_printed),
		costAvoided: periods.map((p) => p.paper.cost_avoided_vnd),
		plannedMinutes: periods.map((p) => p.time.planned_minutes),
		actualMinutes: periods.map((p) => p.time.actual_minutes),
		savingPc: periods.map((p) => p.time.saving_pc)
	};
}

/** The periods in which something was counted, latest first, for the drill-down. */
export function activePeriods(periods: LedgerSummary[]): string[] {
	return periods
		.filter((p) => p.meetings + p.ballots > 0)
		.map((p) => p.period)
		.reverse();
}
