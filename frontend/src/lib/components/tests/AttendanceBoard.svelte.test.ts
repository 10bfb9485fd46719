import { fireEvent, render, screen } from '@testing-library/svelte';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { MeetingState } from '$lib/api/types';
import { i18n } from '$lib/i18n/i18n.svelte';
import AttendanceBoard from '../meeting/AttendanceBoard.svelte';

const setAttendance = vi.fn();
const setAttendanceBatch = vi.fn();
vi.mock('$lib/api/meetings', () => ({
	setAttendance: (...a: unknown[]) => setAttendance(...a),
	setAttendanceBatch: (...a: unknown[]) => setAttendanceBatch(...a)
}));
vi.mock('$lib/members/directory.svelte', () => ({
	directory: {
		name: (id: number) => ({ 5: 'Trần Quang Huy', 6: 'Lê Thị Thanh Mai' })[id] ?? `#${id}`,
		position: (id: number) => ({ 5: 'Phó Thủ tướng Chính phủ', 6: 'Bộ trưởng Bộ Tài chính' })[id] ?? ''
	}
}));

const ms = {
	meeting: { id: 4, status: 'live' },
	attendance: [
		{ meeting_id: 4, member_id: 5, status: 'expected', updated_at: '' },
		{ meeting_id: 4, member_id: 6, status: 'present', updated_at: '' },
		{ meeting_id: 4, member_id: 7, status: 'expected', updated_at: '' }
	],
	quorum: { present: 1, total: 3, required: 2, reached: false }
} as unknown as MeetingState;

beforeEach(() => {
	i18n.set('vi');
	setAttendance.mockReset().mockResolvedValue({});
	setAttendanceBatch.mockReset().mockResolvedValue({});
});

describe('AttendanceBoard', () => {
	it('names each invitee with the title, and says how many the quorum needs', () => {
		render(AttendanceBoard, { ms });
		expect(screen.getByTestId('quorum-needed').textContent).toBe('cần 2 để đủ túc số');
		const rows = screen.getAllByRole('listitem').map((li) => li.querySelector('.who')?.textContent?.replace(/\s+/g, ' ').trim());
		expect(rows).toEqual(['Trần Quang Huy Phó Thủ tướng Chính phủ', 'Lê Thị Thanh Mai Bộ trưởng Bộ Tài chính', '#7']);
	});

	it('records a member present in one tap', async () => {
		render(AttendanceBoard, { ms });
		expect(screen.getByText('1/3 có mặt')).toBeTruthy();
		expect(screen.queryByRole('button', { name: 'Ghi nhận Lê Thị Thanh Mai có mặt' })).toBeNull();
		await fireEvent.click(screen.getByRole('button', { name: 'Ghi nhận Trần Quang Huy có mặt' }));
		expect(setAttendance).toHaveBeenCalledWith(4, 5, { status: 'present' });
	});

	it('records a deputy with the name, position and reason', async () => {
		render(AttendanceBoard, { ms });
		await fireEvent.click(screen.getByRole('button', { name: 'Vắng / Cử người dự thay: Trần Quang Huy' }));
		await fireEvent.click(screen.getByLabelText('Cử người dự thay'));
		await fireEvent.input(screen.getByLabelText('Họ tên người dự thay'), { target: { value: 'Nguyễn Văn An' } });
		await fireEvent.input(screen.getByLabelText('Chức vụ người dự thay'), { target: { value: 'Thứ trưởng' } });
		await fireEvent.input(screen.getByLabelText('Lý do vắng'), { target: { value: 'Công tác nước ngoài' } });
		await fireEvent.click(screen.getByRole('button', { name: 'Ghi nhận' }));
		expect(setAttendance).toHaveBeenCalledWith(4, 5, {
			status: 'deputy',
			reason: 'Công tác nước ngoài',
			deputy_name: 'Nguyễn Văn An',
			deputy_title: 'Thứ trưởng'
		});
	});

	it('marks everyone not checked in present at once, or absent with one reason', async () => {
		render(AttendanceBoard, { ms });
		await fireEvent.click(screen.getByRole('button', { name: 'Chọn 2 người chưa điểm danh' }));
		await fireEvent.click(screen.getByRole('button', { name: 'Ghi nhận 2 người có mặt' }));
		expect(setAttendanceBatch).toHaveBeenCalledWith(4, { members: [5, 7], status: 'present', reason: undefined });

		await fireEvent.click(screen.getByRole('checkbox', { name: 'Chọn #7' }));
		const absent = screen.getByRole('button', { name: 'Ghi nhận 1 người vắng' }) as HTMLButtonElement;
		expect(absent.disabled).toBe(true);
		await fireEvent.input(screen.getByLabelText('Lý do vắng'), { target: { value: 'Ốm' } });
		await fireEvent.click(absent);
		expect(setAttendanceBatch).toHaveBeenLastCalledWith(4, { members: [7], status: 'absent', reason: 'Ốm' });
	});

	it('says everyone is marked instead of offering to pick no one', () => {
		const all = { ...ms, attendance: ms.attendance.map((a) => ({ ...a, status: 'present' })) } as MeetingState;
		render(AttendanceBoard, { ms: all });
		expect(screen.queryByRole('button', { name: /người chưa điểm danh/ })).toBeNull();
		expect(screen.getByText('Mọi người đã được điểm danh.')).toBeTruthy();
	});
});
