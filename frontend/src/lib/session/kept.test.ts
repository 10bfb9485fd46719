import { describe, expect, it } from 'vitest';
import type { Me } from '$lib/api/types';
import { dropMe, keepMe, keptMe, KEPT_ME_KEY } from './kept';

function memoryStorage() {
	const m = new Map<string, string>();
	return { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v), removeItem: (k: string) => void m.delete(k), m };
}

const me = {
	member: { id: 9, full_name: 'Nguyễn Văn A' },
	body: { id: 1, name: 'Chính phủ' },
	csrf_token: 'secret-token',
	expires_at: '2026-11-22T12:00:00Z'
} as unknown as Me;

describe('the kept sign-in', () => {
	it('keeps what /me says but never the CSRF token', () => {
		const s = memoryStorage();
		keepMe(s, me);
		expect(s.m.get(KEPT_ME_KEY)).not.toContain('secret-token');
		expect(keptMe(s, new Date('2026-11-22T08:00:00Z'))).toEqual({ ...me, csrf_token: '' });
	});

	it('gives nothing once the sign-in has ended, after sign-out, or from damaged storage', () => {
		const s = memoryStorage();
		keepMe(s, me);
		expect(keptMe(s, new Date('2026-11-22T12:00:00Z'))).toBeNull();
		dropMe(s);
		expect(keptMe(s, new Date('2026-11-22T08:00:00Z'))).toBeNull();
		s.setItem(KEPT_ME_KEY, '{not json');
		expect(keptMe(s, new Date('2026-11-22T08:00:00Z'))).toBeNull();
		expect(keptMe(undefined, new Date())).toBeNull();
	});
});
