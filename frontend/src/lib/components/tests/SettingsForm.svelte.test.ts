import { fireEvent, render, screen } from '@testing-library/svelte';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '$lib/api/error';
import type { Body, BodySettings } from '$lib/api/types';
import { i18n } from '$lib/i18n/i18n.svelte';
import { settings } from '$lib/settings/fixture';
import SettingsForm from '../SettingsForm.svelte';

const body: Body = { id: 1, slug: 'gov', name: 'Chính phủ', settings, active: true, created_at: '', updated_at: '' };

beforeEach(() => i18n.set('vi'));

const input = (label: string) => screen.getByLabelText(label) as HTMLInputElement;
const save = () => fireEvent.click(screen.getByRole('button', { name: 'Lưu thay đổi' }));

describe('SettingsForm', () => {
	it('sends the edited settings as numbers and lists', async () => {
		const onsave = vi.fn(async (s: BodySettings) => ({ ...body, settings: s }));
		render(SettingsForm, { body, editable: true, onsave });
		await fireEvent.input(input('Số bộ in dự phòng cho mỗi tài liệu'), { target: { value: '8' } });
		await fireEvent.input(input('Nhắc trước hạn (phút)'), { target: { value: '2880, 60' } });
		await fireEvent.click(input('In hai mặt'));
		await fireEvent.input(input('Nhắc nhiệm vụ quá hạn sau (ngày)'), { target: { value: '2' } });
		await fireEvent.click(input('Bắt buộc xác thực hai lớp cho quản trị và thư ký'));
		await fireEvent.change(screen.getByLabelText('Điều kiện thông qua'), { target: { value: 'majority_of_cast' } });
		await fireEvent.input(input('Số trang tối đa của một tài liệu'), { target: { value: '3000' } });
		await fireEvent.input(input('Địa danh ghi trên văn bản'), { target: { value: ' Lào Cai ' } });
		await save();
		expect(onsave).toHaveBeenCalledWith({
			...settings,
			place: 'Lào Cai',
			document_max_pages: 3000,
			reserve_copies: 8,
			ballot_reminder_minutes: [2880, 60],
			duplex: false,
			task_reminder_days_after: 2,
			mfa_required: true,
			pass_rule: 'majority_of_cast'
		});
		expect((await screen.findByRole('status')).textContent).toBe('Đã lưu cấu hình.');
	});

	it('puts the server’s message on the field it names, and focuses it', async () => {
		const message = 'Giá trị của trường "timezone" không hợp lệ.';
		const onsave = vi.fn().mockRejectedValue(new ApiError(400, { code: 'invalid', message, field: 'timezone' }));
		render(SettingsForm, { body, editable: true, onsave });
		await fireEvent.input(input('Múi giờ'), { target: { value: 'Mars/Olympus' } });
		await save();
		const tz = input('Múi giờ');
		await vi.waitFor(() => expect(document.activeElement).toBe(tz));
		expect(tz.getAttribute('aria-invalid')).toBe('true');
		const described = tz.getAttribute('aria-describedby')!.split(' ');
		expect(described.map((id) => document.getElementById(id)?.textContent)).toContain(message);
		expect(input('Số bộ in dự phòng cho mỗi tài liệu').getAttribute('aria-invalid')).toBeNull();
		expect(screen.getByRole('alert').textContent).toBe('Chưa lưu được. Vui lòng kiểm tra trường được đánh dấu.');
	});

	it('refuses text where a number belongs without sending', async () => {
		const onsave = vi.fn();
		render(SettingsForm, { body, editable: true, onsave });
		await fireEvent.input(input('Khối lượng một tờ A4 (mg)'), { target: { value: 'năm gam' } });
		await save();
		expect(onsave).not.toHaveBeenCalled();
		expect(document.getElementById('setting-sheet_weight_mg-error')?.textContent).toBe('Vui lòng nhập một số nguyên.');
	});

	it('shows a failure that names no field above the button', async () => {
		const onsave = vi.fn().mockRejectedValue(new ApiError(403, { code: 'forbidden', message: 'Bạn không có quyền thực hiện thao tác này.' }));
		render(SettingsForm, { body, editable: true, onsave });
		await save();
		expect((await screen.findByRole('alert')).textContent).toBe('Bạn không có quyền thực hiện thao tác này.');
	});

	it('is read-only for those who may not edit', () => {
		render(SettingsForm, { body, editable: false, onsave: vi.fn() });
		expect(screen.queryByRole('button', { name: 'Lưu thay đổi' })).toBeNull();
		expect(input('Múi giờ').matches(':disabled')).toBe(true);
		expect(input('Múi giờ').value).toBe('Asia/Ho_Chi_Minh');
		expect(screen.getByRole('note').textContent).toBe('Chỉ quản trị hệ thống được thay đổi cấu hình này.');
	});
});
