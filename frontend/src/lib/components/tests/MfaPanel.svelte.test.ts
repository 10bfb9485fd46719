import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '$lib/api/error';
import { i18n } from '$lib/i18n/i18n.svelte';
import MfaPanel from '../mfa/MfaPanel.svelte';

const api = { setupMfa: vi.fn(), enableMfa: vi.fn(), disableMfa: vi.fn() };
vi.mock('$lib/api/mfa', () => ({
	setupMfa: (...a: unknown[]) => api.setupMfa(...a),
	enableMfa: (...a: unknown[]) => api.enableMfa(...a),
	disableMfa: (...a: unknown[]) => api.disableMfa(...a)
}));

const SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
const codes = Array.from({ length: 10 }, (_, i) => `AAAA-BBBB-CC${String(i).padStart(2, '0')}`);

beforeEach(() => {
	i18n.set('vi');
	for (const f of Object.values(api)) f.mockReset();
});

describe('MfaPanel', () => {
	it('enrols: secret and QR code, a wrong code on its field, then recovery codes shown once', async () => {
		api.setupMfa.mockResolvedValue({ secret: SECRET, otpauth_uri: `otpauth://totp/e-Cabinet:secretary2?secret=${SECRET}&issuer=e-Cabinet` });
		api.enableMfa
			.mockRejectedValueOnce(new ApiError(400, { code: 'invalid', message: 'Mã xác thực hai lớp không đúng.', field: 'code' }))
			.mockResolvedValueOnce(codes);
		const onchange = vi.fn().mockResolvedValue(undefined);
		const { rerender } = render(MfaPanel, { enabled: false, required: true, onchange });
		expect(screen.getByText('Quy định của cơ quan yêu cầu tài khoản của bạn dùng xác thực hai lớp.')).toBeTruthy();

		await fireEvent.click(screen.getByRole('button', { name: 'Bật xác thực hai lớp' }));
		expect((await screen.findByTestId('mfa-secret')).textContent).toBe('JBSW Y3DP EHPK 3PXP JBSW Y3DP EHPK 3PXP');
		const qr = await screen.findByRole('img', { name: 'Mã QR để thêm tài khoản e-Cabinet vào ứng dụng xác thực' });
		expect(qr.querySelector('path')!.getAttribute('d')).toMatch(/^M\d+ \d+h1v1h-1z/);

		const code = screen.getByLabelText('Mã xác thực') as HTMLInputElement;
		await fireEvent.input(code, { target: { value: '12345' } });
		await fireEvent.click(screen.getByRole('button', { name: 'Xác nhận và bật' }));
		expect(screen.getByText('Mã gồm 6 chữ số.')).toBeTruthy();
		expect(api.enableMfa).not.toHaveBeenCalled();

		await fireEvent.input(code, { target: { value: '000000' } });
		await fireEvent.click(screen.getByRole('button', { name: 'Xác nhận và bật' }));
		expect(await screen.findByText('Mã xác thực hai lớp không đúng.')).toBeTruthy();
		expect(code.getAttribute('aria-invalid')).toBe('true');

		await fireEvent.input(code, { target: { value: '123456' } });
		await fireEvent.click(screen.getByRole('button', { name: 'Xác nhận và bật' }));
		const list = await screen.findByTestId('recovery-codes');
		expect(list.querySelectorAll('li')).toHaveLength(10);
		expect(api.enableMfa).toHaveBeenLastCalledWith('123456');

		await fireEvent.click(screen.getByRole('button', { name: 'Tôi đã lưu các mã khôi phục' }));
		await waitFor(() => expect(onchange).toHaveBeenCalled());
		await rerender({ enabled: true, required: true, onchange });
		expect(screen.queryByTestId('recovery-codes')).toBeNull();
		expect(screen.getByText('Đang bật')).toBeTruthy();
		expect(screen.getByText('Đã bật xác thực hai lớp.')).toBeTruthy();
		// Required by the body: no way to turn it off.
		expect(screen.queryByRole('button', { name: 'Tắt xác thực hai lớp' })).toBeNull();
	});

	it('turns off with a current code where the body allows it', async () => {
		api.disableMfa.mockResolvedValue(undefined);
		const onchange = vi.fn().mockResolvedValue(undefined);
		render(MfaPanel, { enabled: true, required: false, onchange });
		await fireEvent.input(screen.getByLabelText('Mã xác thực'), { target: { value: '654321' } });
		await fireEvent.click(screen.getByRole('button', { name: 'Tắt xác thực hai lớp' }));
		expect(await screen.findByText('Đã tắt xác thực hai lớp.')).toBeTruthy();
		expect(api.disableMfa).toHaveBeenCalledWith('654321');
		expect(onchange).toHaveBeenCalled();
	});
});
