import { render } from '@testing-library/svelte';
import { beforeEach, describe, expect, it } from 'vitest';
import type { LedgerSummary, TimeLedger } from '$lib/api/ledger';
import { i18n } from '$lib/i18n/i18n.svelte';
import Kpis from '../savings/Kpis.svelte';
import TimeItems from '../savings/TimeItems.svelte';

beforeEach(() => i18n.set('vi'));

const figures = (over: Partial<TimeLedger['totals']> = {}): TimeLedger['totals'] => ({
	sessions: 1,
	items: 0,
	planned_minutes: 0,
	actual_minutes: 0,
	saving_minutes: 0,
	saving_pc: 0,
	target_pc: 30,
	progress_pc: 0,
	target_reached: false,
	consent_items: 0,
	consent_saved_minutes: 0,
	consent_saving_pc: 0,
	...over
});

const item = (position: number, actual: number): TimeLedger['items'][number] => ({
	item_id: position,
	position,
	title: `Nội dung ${position}`,
	status: 'done',
	counted: false,
	planned_minutes: 45,
	spans: 1,
	actual_minutes: actual
});

describe('time saved', () => {
	it('says a session moved through in seconds was not timed, and claims no saving for it', () => {
		const time: TimeLedger = { closed: true, untimed: true, totals: figures(), items: [item(1, 0), item(2, 0.1)], scheduled_minutes: 240, session_minutes: 0.1 };
		const { getByTestId, container } = render(TimeItems, { time });
		expect(getByTestId('ledger-untimed').textContent).toMatch(/Không tính thời gian/);
		expect(container.textContent).not.toMatch(/100,0\s?%|rút ngắn 0/);
		const rows = getByTestId('ledger-items').querySelectorAll('tbody tr');
		for (const row of rows) expect(row.textContent).toContain('Không tính (phiên họp không được tính thời gian)');
	});

	it('shows no share of time saved for a period without a timed session, rather than 0% or 100%', () => {
		const paper = { pages_avoided: 0, sheets_avoided: 0, weight_avoided_mg: 0, cost_avoided_vnd: 0, electronic_share_pc: 0, pages_printed: 0 };
		const total = { period: '', meetings: 2, ballots: 0, paper, time: figures({ sessions: 2 }) } as unknown as LedgerSummary;
		const { getByTestId } = render(Kpis, { total });
		const card = getByTestId('kpi-time');
		expect(card.querySelector('strong')?.textContent).toBe('—');
		expect(card.textContent).toContain('Chưa có phiên họp đã kết thúc nào được tính thời gian');
	});
});
