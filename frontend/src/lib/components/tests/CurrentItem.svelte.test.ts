import { fireEvent, render, screen } from '@testing-library/svelte';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { MeetingState } from '$lib/api/types';
import { i18n } from '$lib/i18n/i18n.svelte';
import CurrentItem from '../meeting/CurrentItem.svelte';

const requestFloor = vi.fn();
const giveFloor = vi.fn();
vi.mock('$lib/api/meetings', () => ({
	requestFloor: (...a: unknown[]) => requestFloor(...a),
	withdrawFloor: vi.fn(),
	giveFloor: (...a: unknown[]) => giveFloor(...a),
	endFloor: vi.fn()
}));

function ms(speakers: MeetingState['speakers'] = []): MeetingState {
	return {
		meeting: { id: 4, status: 'live', invitees: [5, 6] },
		agenda: [
			{ id: 10, position: 1, title: 'Báo cáo kinh tế', status: 'done' },
			{ id: 11, position: 2, title: 'Dự án Luật Đất đai', status: 'active' }
		],
		speakers,
		attendance: [],
		documents: [],
		votes: []
	} as unknown as MeetingState;
}

beforeEach(() => {
	i18n.set('vi');
	requestFloor.mockReset();
	giveFloor.mockReset();
});

describe('CurrentItem', () => {
	it('shows the item under discussion and lets an invitee ask for the floor', async () => {
		render(CurrentItem, { ms: ms(), memberId: 5, runs: false });
		expect(screen.getByTestId('current-item').textContent).toContain('Dự án Luật Đất đai');
		await fireEvent.click(screen.getByRole('button', { name: 'Xin phát biểu' }));
		expect(requestFloor).toHaveBeenCalledWith(4, 11);
	});

	it('tells a waiting member their place, and whoever runs the session gives the floor', async () => {
		const queue = [
			{ id: 1, item_id: 11, member_id: 6, status: 'waiting' as const, requested_at: '2026-11-22T01:00:00Z' },
			{ id: 2, item_id: 11, member_id: 5, status: 'waiting' as const, requested_at: '2026-11-22T01:01:00Z' },
			{ id: 3, item_id: 10, member_id: 7, status: 'waiting' as const, requested_at: '2026-11-22T00:01:00Z' }
		];
		const { unmount } = render(CurrentItem, { ms: ms(queue), memberId: 5, runs: false });
		expect(screen.getByText('Bạn đang chờ phát biểu (thứ 2).')).toBeTruthy();
		expect(screen.queryByRole('button', { name: /phát biểu$/ })).toBeNull();
		unmount();

		render(CurrentItem, { ms: ms(queue), memberId: 2, runs: true });
		const give = screen.getAllByRole('button', { name: /^Mời .* phát biểu$/ });
		expect(give).toHaveLength(2);
		await fireEvent.click(give[0]);
		expect(giveFloor).toHaveBeenCalledWith(4, 11, 1);
	});
});
