import { render, screen, within } from '@testing-library/svelte';
import { beforeEach, describe, expect, it } from 'vitest';
import type { BallotResult } from '$lib/api/types';
import { i18n } from '$lib/i18n/i18n.svelte';
import BallotResultView from '../ballots/BallotResultView.svelte';

const result = (status: 'open' | 'closed', signed: number) =>
	({
		ballot: { id: 7, status },
		signed,
		questions: [
			{
				question: { id: 1, position: 1, text: 'Đồng ý thông qua dự thảo Nghị định?' },
				agree: 3,
				disagree: 1,
				other: 0,
				not_returned: 23,
				tally: { required: 14, base: 27, outcome: status === 'open' ? 'pending' : 'failed' },
				opinions: []
			}
		]
	}) as unknown as BallotResult;

const text = (el: Element) => el.textContent?.replace(/\s+/g, ' ').trim();

beforeEach(() => i18n.set('vi'));

describe('BallotResultView', () => {
	it('writes what an open question still needs under it, the four counts in columns of their own', () => {
		render(BallotResultView, { result: result('open', 0) });
		const table = screen.getByRole('table');
		expect(within(table).getAllByRole('columnheader').map(text)).toEqual(['Vấn đề xin ý kiến', 'Đồng ý', 'Không đồng ý', 'Ý kiến khác', 'Chưa trả lời']);
		const row = screen.getByTestId('result-row');
		expect(text(within(row).getByRole('rowheader'))).toBe('1. Đồng ý thông qua dự thảo Nghị định? Cần ít nhất 14/27 ý kiến đồng ý; còn thiếu 11');
		expect(within(row).getAllByRole('cell').map(text)).toEqual(['3', '1', '0', '23']);
		// No answer signed: nothing said about signatures.
		expect(screen.queryByText(/chữ ký số/)).toBeNull();
	});

	it('writes the outcome of a closed question under it', () => {
		render(BallotResultView, { result: result('closed', 2) });
		const row = screen.getByTestId('result-row');
		expect(text(within(row).getByRole('rowheader'))).toBe('1. Đồng ý thông qua dự thảo Nghị định? Kết quả: Không thông qua');
		expect(screen.getByText('2 ý kiến có chữ ký số của thiết bị')).toBeTruthy();
		expect(within(row).getAllByRole('cell').map(text)).toEqual(['3', '1', '0', '23']);
	});
});
