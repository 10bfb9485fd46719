import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { getBody } from '$lib/api/body';
import { session } from './session.svelte';

const me = {
	member: { id: 5, username: 'member01', role: 'member' },
	body: { id: 1, name: 'Chính phủ', settings: { timezone: 'Asia/Bangkok' } },
	csrf_token: 'csrf-1',
	expires_at: '2026-11-22T12:00:00Z'
};

const json = (status: number, body: unknown) =>
	new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });

let answers: Response[];
let requests: { url: string; init: RequestInit }[];

beforeEach(() => {
	answers = [];
	requests = [];
	vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
		requests.push({ url, init });
		const next = answers.shift();
		if (!next) throw new TypeError('Failed to fetch');
		return next;
	});
});

afterEach(() => vi.unstubAllGlobals());

describe('session', () => {
	it('is signed out when the server knows no sign-in', async () => {
		answers.push(json(401, { code: 'unauthenticated', message: 'Vui lòng đăng nhập.' }));
		await session.load();
		expect(session.status).toBe('signed-out');
		expect(session.reason).toBeNull();
	});

	it('is unreachable when the server does not answer', async () => {
		await session.load();
		expect(session.status).toBe('unreachable');
	});

	it('signs in, then sends its CSRF token and uses the body’s time zone', async () => {
		answers.push(json(200, me));
		await session.login('member01', 'secret-password');
		expect(session.status).toBe('signed-in');
		expect(session.timeZone).toBe('Asia/Bangkok');
		expect(JSON.parse(String(requests[0].init.body))).toEqual({ username: 'member01', password: 'secret-password' });

		answers.push(json(200, {}));
		await session.logout().catch(() => {});
		expect((requests[1].init.headers as Record<string, string>)['X-CSRF-Token']).toBe('csrf-1');
		expect(session.status).toBe('signed-out');
		expect(session.reason).toBe('signed-out');
	});

	it('ends as expired when a call gets 401 while signed in', async () => {
		answers.push(json(200, me));
		await session.login('member01', 'secret-password');
		answers.push(json(401, { code: 'unauthenticated', message: 'Phiên đăng nhập đã hết hạn.' }));
		await expect(getBody()).rejects.toMatchObject({ code: 'unauthenticated' });
		expect(session.status).toBe('signed-out');
		expect(session.reason).toBe('expired');
		expect(session.me).toBeNull();
	});

	it('signing out is not an expiry, even if the socket reports the end first', async () => {
		answers.push(json(200, me));
		await session.login('member01', 'secret-password');
		vi.stubGlobal('fetch', async () => {
			session.expire(); // the hub closes with 4401 before the logout answer arrives
			return new Response(null, { status: 204 });
		});
		await session.logout();
		expect(session.reason).toBe('signed-out');
	});

	it('a shared tablet stops receiving the notices of the member who signed out', async () => {
		const unsubscribe = vi.fn(async () => true);
		vi.stubGlobal('PushManager', class {});
		vi.stubGlobal('Notification', class {});
		vi.stubGlobal('navigator', {
			serviceWorker: { getRegistration: async () => ({ pushManager: { getSubscription: async () => ({ endpoint: 'https://push.example/t/1', unsubscribe }) } }) }
		});
		answers.push(json(200, me));
		await session.login('member01', 'secret-password');
		answers.push(new Response(null, { status: 502 }));
		await expect(session.logout()).rejects.toBeTruthy();
		expect(unsubscribe).not.toHaveBeenCalled(); // still signed in: still subscribed
		answers.push(new Response(null, { status: 204 }));
		await session.logout();
		expect(unsubscribe).toHaveBeenCalledOnce();
		expect(session.status).toBe('signed-out');
	});

	it('stays signed in when signing out fails for lack of network', async () => {
		answers.push(json(200, me));
		await session.login('member01', 'secret-password');
		await expect(session.logout()).rejects.toMatchObject({ code: 'network' });
		expect(session.status).toBe('signed-in');
	});

	it('a wrong password leaves the state as it was', async () => {
		answers.push(json(401, { code: 'unauthenticated', message: 'Sai mật khẩu.' }));
		await session.load();
		answers.push(json(401, { code: 'unauthenticated', message: 'Tên đăng nhập hoặc mật khẩu không đúng.' }));
		await expect(session.login('member01', 'wrong')).rejects.toMatchObject({ status: 401 });
		expect(session.status).toBe('signed-out');
		expect(session.reason).toBeNull();
	});

	it('starts from the kept sign-in without network, and confirms or ends it when the server answers', async () => {
		const kept = new Map<string, string>();
		vi.stubGlobal('localStorage', {
			getItem: (k: string) => kept.get(k) ?? null,
			setItem: (k: string, v: string) => void kept.set(k, v),
			removeItem: (k: string) => void kept.delete(k)
		});
		vi.useFakeTimers({ now: new Date('2026-11-22T08:00:00Z'), toFake: ['Date'] });
		try {
			answers.push(json(200, me));
			await session.load();
			expect([...kept.values()].join()).not.toContain('csrf-1');

			// No network: the member is signed in from what the device kept, without a CSRF token.
			await session.load();
			expect(session.status).toBe('signed-in');
			expect(session.offline).toBe(true);
			expect(session.member?.id).toBe(5);
			expect(session.me?.csrf_token).toBe('');

			answers.push(json(200, { ...me, csrf_token: 'csrf-2' }));
			await session.revalidate();
			expect(session.offline).toBe(false);
			expect(session.me?.csrf_token).toBe('csrf-2');

			await session.load();
			expect(session.offline).toBe(true);
			answers.push(json(401, { code: 'unauthenticated', message: '' }));
			await session.revalidate();
			expect(session.status).toBe('signed-out');
			expect(session.reason).toBe('expired');
			expect(kept.size).toBe(0);
			await session.load();
			expect(session.status).toBe('unreachable');
		} finally {
			vi.useRealTimers();
		}
	});
});
