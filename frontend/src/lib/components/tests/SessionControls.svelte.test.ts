import { fireEvent, render, screen } from '@testing-library/svelte';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { MeetingState } from '$lib/api/types';
import { i18n } from '$lib/i18n/i18n.svelte';
import SessionControls from '../meeting/SessionControls.svelte';

const transition = vi.fn();
const nextAgendaItem = vi.fn();
vi.mock('$lib/api/meetings', () => ({
	transition: (...a: unknown[]) => transition(...a),
	nextAgendaItem: (...a: unknown[]) => nextAgendaItem(...a)
}));

const ms = (status: MeetingState['meeting']['status'], reached: boolean): MeetingState =>
	({
		meeting: { id: 4, status, invitees: [] },
		agenda: [
			{ id: 10, status: 'active' },
			{ id: 11, status: 'pending' }
		],
		quorum: { present: reached ? 18 : 12, total: 27, required: 18, reached },
		attendance: [],
		speakers: [],
		documents: [],
		votes: []
	}) as unknown as MeetingState;

beforeEach(() => {
	i18n.set('vi');
	transition.mockReset().mockResolvedValue({});
	nextAgendaItem.mockReset().mockResolvedValue([]);
});

describe('SessionControls', () => {
	it('lets the chair open a session without quorum only with a reason', async () => {
		render(SessionControls, { ms: ms('published', false), role: 'chair' });
		expect(screen.getByText('12/27 thành viên có mặt, cần tối thiểu 18')).toBeTruthy();
		const start = screen.getByRole('button', { name: 'Khai mạc phiên họp' }) as HTMLButtonElement;
		expect(start.disabled).toBe(true);
		await fireEvent.input(screen.getByLabelText('Lý do tiến hành khi chưa đủ túc số'), { target: { value: 'Thảo luận khẩn cấp về thiên tai' } });
		expect(start.disabled).toBe(false);
		await fireEvent.click(start);
		expect(transition).toHaveBeenCalledWith(4, 'start', 'Thảo luận khẩn cấp về thiên tai');
	});

	it('asks the chair for a reason to resume an adjourned session without quorum', async () => {
		render(SessionControls, { ms: ms('adjourned', false), role: 'chair' });
		const resume = screen.getByRole('button', { name: i18n.t.control.actions.resume }) as HTMLButtonElement;
		expect(resume.disabled).toBe(true);
		await fireEvent.input(screen.getByLabelText('Lý do tiến hành khi chưa đủ túc số'), { target: { value: 'Tiếp tục sau giờ nghỉ' } });
		await fireEvent.click(resume);
		expect(transition).toHaveBeenCalledWith(4, 'resume', 'Tiếp tục sau giờ nghỉ');
	});

	it('gives the secretariat the lifecycle steps without a reason, and the next item while live', async () => {
		const { unmount } = render(SessionControls, { ms: ms('published', true), role: 'secretary' });
		expect(screen.queryByLabelText('Lý do tiến hành khi chưa đủ túc số')).toBeNull();
		await fireEvent.click(screen.getByRole('button', { name: 'Khai mạc phiên họp' }));
		expect(transition).toHaveBeenCalledWith(4, 'start', undefined);
		unmount();

		render(SessionControls, { ms: ms('live', true), role: 'secretary' });
		expect(screen.queryByRole('button', { name: 'Khai mạc phiên họp' })).toBeNull();
		await fireEvent.click(screen.getByRole('button', { name: 'Chuyển nội dung tiếp theo' }));
		expect(nextAgendaItem).toHaveBeenCalledWith(4);
		expect(screen.getByRole('button', { name: 'Tạm dừng' })).toBeTruthy();
	});

	it('offers the chair no publishing of drafts', () => {
		render(SessionControls, { ms: ms('draft', false), role: 'chair' });
		expect(screen.queryByRole('button', { name: 'Phát hành phiên họp' })).toBeNull();
	});
});
