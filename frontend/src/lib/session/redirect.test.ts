import { describe, expect, it } from 'vitest';
import { loginHref, safeNext } from './redirect';

const url = (path: string) => new URL(path, 'https://ecabinet.example');

describe('loginHref', () => {
	it('keeps the path and query to come back to', () => {
		expect(loginHref(url('/members?role=chair'))).toBe('/login?next=%2Fmembers%3Frole%3Dchair');
	});

	it('needs no way back from the home screen or the sign-in screen itself', () => {
		expect(loginHref(url('/'))).toBe('/login');
		expect(loginHref(url('/login?next=%2Fmembers'))).toBe('/login');
	});
});

describe('safeNext', () => {
	it('accepts paths of the app', () => {
		expect(safeNext('/members?role=chair#top')).toBe('/members?role=chair#top');
	});

	it.each([null, '', 'members', '//evil.example/x', '/\\evil.example', 'https://evil.example/', '/login', 'javascript:alert(1)'])(
		'sends %s home',
		(next) => expect(safeNext(next)).toBe('/')
	);
});
