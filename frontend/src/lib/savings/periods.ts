import type { LedgerGroup, LedgerSummary, PaperFigures, TimeFigures } from '$lib/api/ledger';
import { intlLocale, type Lang } from '$lib/i18n/lang';
import { fromZonedInput, toZonedInput } from '$lib/zoned';

/** What the dashboard covers: the last twelve months, a calendar year, or everything. */
export type PeriodChoice = 'last12' | 'all' | `year:${number}`;

export interface Range {
	from?: string;
	to?: string;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** The instant a month (1-based, may overflow into the next years) starts in timeZone. */
function monthStart(year: number, month: number, timeZone: string): string {
	const y = year + Math.floor((month - 1) / 12);
	const m = ((((month - 1) % 12) + 12) % 12) + 1;
	return fromZonedInput(`${y}-${pad(m)}-01T00:00`, timeZone)!;
}

/** The year and month of an instant on the clocks of timeZone. */
function zonedMonth(at: Date, timeZone: string): { year: number; month: number } {
	const [y, m] = toZonedInput(at, timeZone).split('-').map(Number);
	return { year: y, month: m };
}

/** The instants a choice covers, [from, to), on the body's clocks. */
export function periodRange(choice: PeriodChoice, now: Date, timeZone: string): Range {
	if (choice === 'all') return {};
	if (choice === 'last12') {
		const { year, month } = zonedMonth(now, timeZone);
		return { from: monthStart(year, month - 11, timeZone), to: monthStart(year, month + 1, timeZone) };
	}
	const year = Number(choice.slice(5));
	return { from: monthStart(year, 1, timeZone), to: monthStart(year + 1, 1, timeZone) };
}

/** The month a key ("2026-03") names, as a range. */
export function monthRange(key: string, timeZone: string): Range {
	const [y, m] = key.split('-').map(Number);
	return m ? { from: monthStart(y, m, timeZone), to: monthStart(y, m + 1, timeZone) } : { from: monthStart(y, 1, timeZone), to: monthStart(y + 1, 1, timeZone) };
}

/** Every period key of a range ("2025-12", "2026-01" … or "2025", "2026"), so that empty months show too. */
export function periodKeys(range: Range, group: LedgerGroup, timeZone: string): string[] {
	if (!range.from || !range.to) return [];
	const a = zonedMonth(new Date(range.from), timeZone);
	// The last instant before `to` belongs to the last period.
	const b = zonedMonth(new Date(new Date(range.to).getTime() - 1), timeZone);
	const keys: string[] = [];
	if (group === 'year') {
		for (let y = a.year; y <= b.year; y++) keys.push(String(y));
		return keys;
	}
	for (let y = a.year, m = a.month; y < b.year || (y === b.year && m <= b.month); m === 12 ? (y++, (m = 1)) : m++) {
		keys.push(`${y}-${pad(m)}`);
	}
	return keys;
}

const ZERO_PAPER: PaperFigures = {
	pages_avoided: 0,
	sheets_avoided: 0,
	cost_avoided_vnd: 0,
	weight_avoided_mg: 0,
	pages_printed: 0,
	sheets_printed: 0,
	cost_printed_vnd: 0,
	weight_printed_mg: 0,
	electronic_share_pc: 0
};

const zeroTime = (target: number): TimeFigures => ({
	sessions: 0,
	items: 0,
	planned_minutes: 0,
	actual_minutes: 0,
	saving_minutes: 0,
	saving_pc: 0,
	target_pc: target,
	progress_pc: 0,
	target_reached: false,
	consent_items: 0,
	consent_saved_minutes: 0,
	consent_saving_pc: 0
});

/** The report's periods over every key, in order, with an empty summary where nothing happened. */
export function fillPeriods(periods: LedgerSummary[], keys: string[], target: number): LedgerSummary[] {
	if (keys.length === 0) return periods;
	const byKey = new Map(periods.map((p) => [p.period, p]));
	return keys.map((k) => byKey.get(k) ?? { period: k, meetings: 0, ballots: 0, paper: ZERO_PAPER, time: zeroTime(target) });
}

/** How a period key is written on an axis (two lines: month, and the year where it starts) and in full. */
export function periodLabel(key: string, lang: Lang): { short: string; year: string; full: string } {
	const [y, m] = key.split('-').map(Number);
	if (!m) return { short: key, year: '', full: key };
	const date = new Date(Date.UTC(y, m - 1, 15));
	const fmt = (o: Intl.DateTimeFormatOptions) => new Intl.DateTimeFormat(intlLocale(lang), { ...o, timeZone: 'UTC' }).format(date);
	return {
		short: lang === 'vi' ? `T${m}` : fmt({ month: 'short' }),
		year: String(y),
		full: lang === 'vi' ? `Tháng ${m}/${y}` : fmt({ month: 'long', year: 'numeric' })
	};
}

/** The choices offered: the last twelve months, this year and the two before, everything. */
export function periodChoices(now: Date, timeZone: string): PeriodChoice[] {
	const { year } = zonedMonth(now, timeZone);
	return ['last12', `year:${year}`, `year:${year - 1}`, `year:${year - 2}`, 'all'];
}
