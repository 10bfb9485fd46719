import { fireEvent, render, screen } from '@testing-library/svelte';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '$lib/api/error';
import { i18n } from '$lib/i18n/i18n.svelte';
import LoginForm from '../LoginForm.svelte';

beforeEach(() => i18n.set('vi'));

async function fillAndSubmit(username: string, password: string) {
	await fireEvent.input(screen.getByLabelText('Tên đăng nhập'), { target: { value: username } });
	await fireEvent.input(screen.getByLabelText('Mật khẩu'), { target: { value: password } });
	await fireEvent.click(screen.getByRole('button', { name: 'Đăng nhập' }));
}

describe('LoginForm', () => {
	it('asks for both fields before sending anything', async () => {
		const onsubmit = vi.fn();
		render(LoginForm, { onsubmit });
		await fillAndSubmit('member01', '');
		expect(screen.getByRole('alert').textContent).toBe('Vui lòng nhập tên đăng nhập và mật khẩu.');
		expect(onsubmit).not.toHaveBeenCalled();
		expect(document.activeElement).toBe(screen.getByLabelText('Mật khẩu'));
	});

	it('sends the trimmed username and the password', async () => {
		const onsubmit = vi.fn().mockResolvedValue(undefined);
		render(LoginForm, { onsubmit });
		await fillAndSubmit('  member01 ', 'ecabinet-demo');
		expect(onsubmit).toHaveBeenCalledWith('member01', 'ecabinet-demo');
		expect(screen.queryByRole('alert')).toBeNull();
	});

	it('shows the server’s message on a wrong password, clears and focuses the password', async () => {
		const onsubmit = vi.fn().mockRejectedValue(
			new ApiError(401, { code: 'unauthenticated', message: 'Tên đăng nhập hoặc mật khẩu không đúng.' })
		);
		render(LoginForm, { onsubmit });
		await fillAndSubmit('member01', 'wrong');
		const alert = await screen.findByRole('alert');
		expect(alert.textContent).toBe('Tên đăng nhập hoặc mật khẩu không đúng.');
		const password = screen.getByLabelText('Mật khẩu') as HTMLInputElement;
		expect(password.value).toBe('');
		expect(password.getAttribute('aria-invalid')).toBe('true');
		expect(document.activeElement).toBe(password);
	});

	it('explains a network failure in the chosen language', async () => {
		i18n.set('en');
		const onsubmit = vi.fn().mockRejectedValue(ApiError.client('network'));
		render(LoginForm, { onsubmit });
		await fireEvent.input(screen.getByLabelText('Username'), { target: { value: 'chair' } });
		await fireEvent.input(screen.getByLabelText('Password'), { target: { value: 'x' } });
		await fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
		expect((await screen.findByRole('alert')).textContent).toBe(i18n.t.errors.network);
	});

	it('shows why the member is here', () => {
		render(LoginForm, { onsubmit: vi.fn(), notice: 'Phiên đăng nhập đã hết hạn. Vui lòng đăng nhập lại.' });
		expect(screen.getByRole('status').textContent).toBe('Phiên đăng nhập đã hết hạn. Vui lòng đăng nhập lại.');
	});

	it('asks for the second factor when the server needs it, and shows a wrong code on the code field', async () => {
		const onsubmit = vi
			.fn()
			.mockRejectedValueOnce(new ApiError(401, { code: 'mfa_required', message: 'Vui lòng nhập mã xác thực hai lớp.' }))
			.mockRejectedValueOnce(new ApiError(401, { code: 'unauthenticated', message: 'Mã xác thực hai lớp không đúng.' }))
			.mockResolvedValueOnce(undefined);
		render(LoginForm, { onsubmit });
		await fillAndSubmit('secretary2', 'ecabinet-demo');
		const code = screen.getByLabelText('Mã xác thực') as HTMLInputElement;
		expect(document.activeElement).toBe(code);
		expect(screen.queryByRole('alert')).toBeNull();

		await fireEvent.click(screen.getByRole('button', { name: 'Xác nhận' }));
		expect(screen.getByText('Vui lòng nhập mã.')).toBeTruthy();
		expect(onsubmit).toHaveBeenCalledTimes(1);

		await fireEvent.input(code, { target: { value: '123 456' } });
		await fireEvent.click(screen.getByRole('button', { name: 'Xác nhận' }));
		expect(onsubmit).toHaveBeenLastCalledWith('secretary2', 'ecabinet-demo', { totp: '123456' });
		const error = await screen.findByText('Mã xác thực hai lớp không đúng.');
		expect(code.getAttribute('aria-invalid')).toBe('true');
		expect(code.getAttribute('aria-describedby')).toContain(error.id);
		expect(code.value).toBe('');

		await fireEvent.click(screen.getByRole('button', { name: 'Dùng mã khôi phục' }));
		await fireEvent.input(screen.getByLabelText('Mã khôi phục'), { target: { value: '7KQ2-M9XD-4PTA' } });
		await fireEvent.click(screen.getByRole('button', { name: 'Xác nhận' }));
		expect(onsubmit).toHaveBeenLastCalledWith('secretary2', 'ecabinet-demo', { recovery_code: '7KQ2-M9XD-4PTA' });
	});

	it('goes back to the password for another account', async () => {
		const onsubmit = vi.fn().mockRejectedValueOnce(new ApiError(401, { code: 'mfa_required', message: '' }));
		render(LoginForm, { onsubmit });
		await fillAndSubmit('secretary2', 'ecabinet-demo');
		await fireEvent.click(screen.getByRole('button', { name: 'Đăng nhập tài khoản khác' }));
		expect((screen.getByLabelText('Mật khẩu') as HTMLInputElement).value).toBe('');
	});
});
