import { describe, expect, it, vi } from 'vitest';
import { ApiClient, type ApiClientOptions } from './client';
import { ApiError } from './error';

interface Call {
	url: string;
	init: RequestInit;
}

function setup(respond: (call: Call) => Response | Promise<Response>, opts: Partial<ApiClientOptions> = {}) {
	const calls: Call[] = [];
	const onUnauthenticated = vi.fn();
	const api = new ApiClient({
		base: '/api/v1',
		lang: () => 'en',
		csrfToken: () => 'tok-123',
		onUnauthenticated,
		fetch: (async (url: string, init: RequestInit) => {
			const call = { url, init };
			calls.push(call);
			return respond(call);
		}) as typeof fetch,
		...opts
	});
	return { api, calls, onUnauthenticated };
}

const json = (status: number, body: unknown) =>
	new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
const headersOf = (call: Call) => call.init.headers as Record<string, string>;

describe('ApiClient', () => {
	it('GETs JSON with the language, without a CSRF token', async () => {
		const { api, calls } = setup(() => json(200, [{ id: 1 }]));
		expect(await api.get('/members')).toEqual([{ id: 1 }]);
		expect(calls[0].url).toBe('/api/v1/members');
		expect(calls[0].init.method).toBe('GET');
		expect(calls[0].init.credentials).toBe('same-origin');
		expect(headersOf(calls[0])['Accept-Language']).toBe('en');
		expect(headersOf(calls[0])['X-CSRF-Token']).toBeUndefined();
	});

	it('sends the CSRF token and a JSON body on writes', async () => {
		const { api, calls } = setup(() => json(200, { ok: true }));
		await api.put('/body/settings', { timezone: 'UTC' });
		expect(headersOf(calls[0])['X-CSRF-Token']).toBe('tok-123');
		expect(headersOf(calls[0])['Content-Type']).toBe('application/json');
		expect(calls[0].init.body).toBe('{"timezone":"UTC"}');
	});

	it('sends extra headers, such as an idempotency key, and DELETE with the CSRF token', async () => {
		const { api, calls } = setup(() => json(200, []));
		await api.post('/votes/1/cast', { option: 'agree' }, { headers: { 'Idempotency-Key': 'k-1' } });
		expect(headersOf(calls[0])['Idempotency-Key']).toBe('k-1');
		await api.delete('/meetings/1/agenda/2/speakers/me');
		expect(calls[1].init.method).toBe('DELETE');
		expect(headersOf(calls[1])['X-CSRF-Token']).toBe('tok-123');
	});

	it('answers undefined for 204', async () => {
		const { api } = setup(() => new Response(null, { status: 204 }));
		expect(await api.post('/auth/logout')).toBeUndefined();
	});

	it('turns an error body into an ApiError with code, field and request id', async () => {
		const body = { code: 'invalid', message: 'Field "timezone" has a value that is not allowed.', field: 'timezone', request_id: 'abc' };
		const { api } = setup(() => json(400, body));
		const err = await api.put('/body/settings', {}).catch((e: unknown) => e);
		expect(err).toBeInstanceOf(ApiError);
		expect(err).toMatchObject({ status: 400, code: 'invalid', field: 'timezone', requestId: 'abc', message: body.message });
		expect((err as ApiError).fromClient).toBe(false);
	});

	it('reports an ended sign-in on 401', async () => {
		const { api, onUnauthenticated } = setup(() => json(401, { code: 'unauthenticated', message: 'Please sign in.' }));
		await expect(api.get('/members')).rejects.toMatchObject({ code: 'unauthenticated' });
		expect(onUnauthenticated).toHaveBeenCalledOnce();
	});

	it('does not report 401 when it is the expected answer (wrong password)', async () => {
		const { api, onUnauthenticated } = setup(() => json(401, { code: 'unauthenticated', message: 'Wrong username or password.' }));
		await expect(api.post('/auth/login', {}, { unauthenticatedIsAnswer: true })).rejects.toMatchObject({ status: 401 });
		expect(onUnauthenticated).not.toHaveBeenCalled();
	});

	it('makes a network failure an ApiError with code network', async () => {
		const { api } = setup(() => Promise.reject(new TypeError('Failed to fetch')));
		await expect(api.get('/me')).rejects.toMatchObject({ code: 'network', status: 0, fromClient: true });
	});

	it('gives up after the timeout with code timeout', async () => {
		const { api } = setup(
			(call) =>
				new Promise((_resolve, reject) =>
					call.init.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')))
				),
			{ timeoutMs: 20 }
		);
		await expect(api.get('/me')).rejects.toMatchObject({ code: 'timeout' });
	});

	it('lets a cancellation by the caller through as it is', async () => {
		const { api } = setup(
			(call) =>
				new Promise((_resolve, reject) =>
					call.init.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')))
				)
		);
		const ctl = new AbortController();
		const pending = api.get('/members', { signal: ctl.signal });
		ctl.abort();
		await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
	});

	it('makes an answer that is not JSON a bad_response', async () => {
		const { api } = setup(() => new Response('<html>bad gateway</html>', { status: 502 }));
		await expect(api.get('/me')).rejects.toMatchObject({ code: 'bad_response', status: 502, message: '' });
		const ok = setup(() => new Response('not json', { status: 200 }));
		await expect(ok.api.get('/me')).rejects.toMatchObject({ code: 'bad_response' });
	});
});
