import { fireEvent, render, screen, within } from '@testing-library/svelte';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Ballot } from '$lib/api/types';
import { i18n } from '$lib/i18n/i18n.svelte';
import BallotAnswerForm from '../ballots/BallotAnswerForm.svelte';

const submit = vi.fn();
vi.mock('$lib/ballots/answering.svelte', () => ({ answering: { submit: (...a: unknown[]) => submit(...a) } }));

const ballot = {
	id: 3,
	title: 'Phiếu',
	status: 'open',
	questions: [
		{ id: 11, position: 1, text: 'Thông qua dự thảo?' },
		{ id: 12, position: 2, text: 'Giao Bộ Tư pháp?' }
	],
	recipients: [5]
} as Ballot;

beforeEach(() => {
	i18n.set('vi');
	submit.mockReset();
});

const question = (n: number) => screen.getByRole('group', { name: new RegExp(`^Vấn đề ${n}\\.`) });

describe('BallotAnswerForm', () => {
	it('asks for every question, and a comment on another opinion, before sending', async () => {
		const ondone = vi.fn();
		submit.mockResolvedValue({ status: 'queued' });
		render(BallotAnswerForm, { ballot, memberId: 5, commentRequired: true, ondone });
		await fireEvent.click(screen.getByRole('button', { name: 'Gửi ý kiến' }));
		expect(screen.getAllByText('Vui lòng cho ý kiến về tất cả các vấn đề.')).toHaveLength(2);
		expect(submit).not.toHaveBeenCalled();

		await fireEvent.click(within(question(1)).getByLabelText('Đồng ý'));
		await fireEvent.click(within(question(2)).getByLabelText('Ý kiến khác'));
		await fireEvent.click(screen.getByRole('button', { name: 'Gửi ý kiến' }));
		expect(screen.getByText('Vui lòng nêu ý kiến khi không đồng ý hoặc có ý kiến khác.')).toBeTruthy();

		await fireEvent.input(within(question(2)).getByLabelText('Ý kiến cụ thể'), { target: { value: 'Cần bổ sung.' } });
		await fireEvent.click(screen.getByRole('button', { name: 'Gửi ý kiến' }));
		await vi.waitFor(() => expect(ondone).toHaveBeenCalledOnce());
		expect(submit).toHaveBeenCalledWith(ballot, 5, [
			{ question_id: 11, choice: 'agree', comment: '' },
			{ question_id: 12, choice: 'other', comment: 'Cần bổ sung.' }
		]);
	});

	it('shows the server’s refusal', async () => {
		const { ApiError } = await import('$lib/api/error');
		submit.mockRejectedValue(new ApiError(409, { code: 'poll_closed', message: 'Phiếu đã kết thúc.' }));
		render(BallotAnswerForm, { ballot, memberId: 5, commentRequired: false, ondone: () => {} });
		await fireEvent.click(within(question(1)).getByLabelText('Không đồng ý'));
		await fireEvent.click(within(question(2)).getByLabelText('Đồng ý'));
		await fireEvent.click(screen.getByRole('button', { name: 'Gửi ý kiến' }));
		expect((await screen.findByRole('alert')).textContent).toBe('Phiếu đã kết thúc.');
	});
});
