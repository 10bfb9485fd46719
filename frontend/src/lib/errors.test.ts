import { describe, expect, it } from 'vitest';
import { ApiError } from '$lib/api/error';
import { errorText } from './errors';
import { en } from './i18n/en';
import { vi } from './i18n/vi';

describe('errorText', () => {
	it('shows the server’s localized message', () => {
		const err = new ApiError(401, { code: 'unauthenticated', message: 'Tên đăng nhập hoặc mật khẩu không đúng.' });
		expect(errorText(err, vi)).toBe('Tên đăng nhập hoặc mật khẩu không đúng.');
	});

	it('explains failures without a server message in the app’s language', () => {
		expect(errorText(ApiError.client('network'), en)).toBe(en.errors.network);
		expect(errorText(ApiError.client('timeout'), vi)).toBe(vi.errors.timeout);
		expect(errorText(new ApiError(502, { code: 'bad_response', message: '' }), vi)).toBe(vi.errors.bad_response);
		expect(errorText(new Error('boom'), vi)).toBe(vi.errors.network);
	});
});
