import { fireEvent, render, screen } from '@testing-library/svelte';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Vote } from '$lib/api/types';
import { i18n } from '$lib/i18n/i18n.svelte';
import { confirmer } from '$lib/confirm.svelte';
import VoteBox from '../meeting/VoteBox.svelte';

const castVote = vi.fn();
const closeVote = vi.fn();
const getTurnout = vi.fn();
vi.mock('$lib/api/votes', () => ({
	castVote: (...a: unknown[]) => castVote(...a),
	closeVote: (...a: unknown[]) => closeVote(...a),
	getTurnout: (...a: unknown[]) => getTurnout(...a)
}));
vi.mock('$lib/members/directory.svelte', () => ({ directory: { name: (id: number) => `Thành viên ${id}` } }));

const vote = (over: Partial<Vote> = {}): Vote => ({
	id: 9,
	meeting_id: 1,
	item_id: 2,
	question: 'Thông qua Tờ trình?',
	options: [
		{ key: 'agree', label: 'Tán thành' },
		{ key: 'disagree', label: 'Không tán thành' },
		{ key: 'abstain', label: 'Bỏ phiếu trắng' }
	],
	secret: false,
	status: 'open',
	opened_by: 2,
	opened_at: '',
	entitled: [5, 6, 7],
	quorum_at_open: { present: 3, total: 3, required: 2, reached: true },
	cast: 1,
	voted: false,
	...over
});

beforeEach(() => {
	i18n.set('vi');
	castVote.mockReset();
	closeVote.mockReset();
	getTurnout.mockReset();
	confirmer.answer(false);
});

describe('VoteBox', () => {
	it('lets an entitled member vote once, with one key for every retry', async () => {
		const oncast = vi.fn();
		castVote.mockRejectedValueOnce(new Error('network')).mockResolvedValueOnce(vote({ voted: true, my_choice: 'agree', cast: 2 }));
		render(VoteBox, { vote: vote(), memberId: 5, runs: false, oncast });
		expect(screen.getByText('1/3 đã biểu quyết')).toBeTruthy();
		await fireEvent.click(screen.getByRole('button', { name: 'Tán thành' }));
		await vi.waitFor(() => expect(castVote).toHaveBeenCalledTimes(1));
		await fireEvent.click(screen.getByRole('button', { name: 'Tán thành' }));
		await vi.waitFor(() => expect(oncast).toHaveBeenCalledOnce());
		expect(castVote.mock.calls[0].slice(0, 2)).toEqual([9, 'agree']);
		expect(castVote.mock.calls[1][2]).toBe(castVote.mock.calls[0][2]);
		expect(screen.queryByRole('button', { name: 'Đóng' })).toBeNull();
	});

	it('shows the member’s own choice once voted, and nothing to press', () => {
		render(VoteBox, { vote: vote({ voted: true, my_choice: 'disagree' }), memberId: 5, runs: false, oncast: () => {} });
		expect(screen.getByRole('status').textContent).toContain('Lựa chọn của bạn: Không tán thành');
		expect(screen.queryByRole('button', { name: 'Tán thành' })).toBeNull();
	});

	it('tells a member who is not entitled, and lets whoever runs the session close it', async () => {
		i18n.set('en');
		getTurnout.mockResolvedValue({ vote_id: 9, entitled: [5, 6, 7], voted: [5, 6, 7], not_voted: [] });
		const { unmount } = render(VoteBox, { vote: vote({ secret: true }), memberId: 42, runs: false, oncast: () => {} });
		expect(screen.getByText('You are not entitled to vote on this question.')).toBeTruthy();
		unmount();
		render(VoteBox, { vote: vote({ secret: true }), memberId: 42, runs: true, oncast: () => {} });
		expect(screen.queryByText('You are not entitled to vote on this question.')).toBeNull();
		expect(screen.getByText('Secret vote')).toBeTruthy();
		await fireEvent.click(screen.getByRole('button', { name: 'Close the vote' }));
		await vi.waitFor(() => expect(closeVote).toHaveBeenCalledWith(9));
		expect(confirmer.pending).toBeNull();
	});

	it('names who has not voted, and asks before closing without them', async () => {
		getTurnout.mockResolvedValue({ vote_id: 9, entitled: [5, 6, 7], voted: [5], not_voted: [6, 7] });
		render(VoteBox, { vote: vote(), memberId: 2, runs: true, oncast: () => {} });
		await screen.findByRole('heading', { name: 'Chưa biểu quyết (2)' });
		expect(screen.getByRole('heading', { name: 'Đã biểu quyết (1)' })).toBeTruthy();
		expect(screen.getByText('Thành viên 5')).toBeTruthy();
		await fireEvent.click(screen.getByRole('button', { name: 'Kết thúc biểu quyết' }));
		await vi.waitFor(() => expect(confirmer.pending?.names).toEqual(['Thành viên 6', 'Thành viên 7']));
		confirmer.answer(false);
		await new Promise((r) => setTimeout(r));
		expect(closeVote).not.toHaveBeenCalled();
		await fireEvent.click(screen.getByRole('button', { name: 'Kết thúc biểu quyết' }));
		await vi.waitFor(() => expect(confirmer.pending).not.toBeNull());
		confirmer.answer(true);
		await vi.waitFor(() => expect(closeVote).toHaveBeenCalledWith(9));
	});
});
