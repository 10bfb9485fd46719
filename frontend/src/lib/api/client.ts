import { ApiError, isErrorBody } from './error';

export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface ApiClientOptions {
	/** Prefix of every path, such as '/api/v1'. */
	base: string;
	/** The language of error messages (Accept-Language). */
	lang: () => string;
	/** The CSRF token of the current sign-in, sent with every write. */
	csrfToken: () => string | null;
	/** Called when a request that expected a sign-in gets 401. */
	onUnauthenticated: (err: ApiError) => void;
	/** A request without an answer after this long fails with code timeout. */
	timeoutMs?: number;
	fetch?: typeof fetch;
}

export interface RequestOptions {
	/** JSON body; not allowed on GET. */
	body?: unknown;
	/** A body that is not JSON (a CSV file), with its content type. */
	raw?: { data: string; contentType: string };
	/**
	 * A 401 is an expected answer (wrong password, no sign-in yet) rather
	 * than an ended sign-in: do not call onUnauthenticated.
	 */
	unauthenticatedIsAnswer?: boolean;
	signal?: AbortSignal;
	/** Extra request headers, such as Idempotency-Key. */
	headers?: Record<string, string>;
}

const SAFE_METHODS = new Set<Method>(['GET']);

/**
 * A small JSON client for the e-Cabinet API: cookie session, CSRF header on
 * writes, Accept-Language, and every failure turned into an ApiError.
 */
export class ApiClient {
	readonly #opts: ApiClientOptions;

	constructor(opts: ApiClientOptions) {
		this.#opts = opts;
	}

	get<T>(path: string, opts: Omit<RequestOptions, 'body'> = {}): Promise<T> {
		return this.request<T>('GET', path, opts);
	}

	post<T>(path: string, body?: unknown, opts: RequestOptions = {}): Promise<T> {
		return this.request<T>('POST', path, { ...opts, body });
	}

	put<T>(path: string, body: unknown, opts: RequestOptions = {}): Promise<T> {
		return this.request<T>('PUT', path, { ...opts, body });
	}

	delete<T>(path: string, opts: Omit<RequestOptions, 'body'> = {}): Promise<T> {
		return this.request<T>('DELETE', path, opts);
	}

	async request<T>(method: Method, path: string, opts: RequestOptions = {}): Promise<T> {
		const headers: Record<string, string> = {
			...opts.headers,
			Accept: 'application/json',
			'Accept-Language': this.#opts.lang()
		};
		if (!SAFE_METHODS.has(method)) {
			const token = this.#opts.csrfToken();
			if (token) headers['X-CSRF-Token'] = token;
		}
		let body: string | undefined;
		if (opts.body !== undefined) {
			headers['Content-Type'] = 'application/json';
			body = JSON.stringify(opts.body);
		} else if (opts.raw) {
			headers['Content-Type'] = opts.raw.contentType;
			body = opts.raw.data;
		}
		// One controller for the caller's signal and the timeout (AbortSignal.any
		// is too recent for the tablets in service).
		const ctl = new AbortController();
		let timedOut = false;
		const timer = setTimeout(() => {
			timedOut = true;
			ctl.abort();
		}, this.#opts.timeoutMs ?? 20_000);
		const onCallerAbort = () => ctl.abort();
		opts.signal?.addEventListener('abort', onCallerAbort);
		const doFetch = this.#opts.fetch ?? fetch;

		let res: Response;
		let data: unknown;
		try {
			res = await doFetch(this.#opts.base + path, {
				method,
				headers,
				body,
				credentials: 'same-origin',
				cache: 'no-store',
				signal: ctl.signal
			});
			data = res.status === 204 ? undefined : await readJSON(res);
		} catch (err) {
			if (opts.signal?.aborted) throw err; // the caller cancelled: not an API failure
			throw ApiError.client(timedOut ? 'timeout' : 'network');
		} finally {
			clearTimeout(timer);
			opts.signal?.removeEventListener('abort', onCallerAbort);
		}

		if (res.status === 204) return undefined as T;
		if (res.ok) {
			if (data === undefined) throw ApiError.client('bad_response');
			return data as T;
		}
		const err = isErrorBody(data)
			? new ApiError(res.status, data)
			: new ApiError(res.status, { code: 'bad_response', message: '' });
		if (res.status === 401 && !opts.unauthenticatedIsAnswer) this.#opts.onUnauthenticated(err);
		throw err;
	}
}

/** The JSON body of res, or undefined when it has none or it is not JSON. */
async function readJSON(res: Response): Promise<unknown> {
	const text = await res.text();
	try {
		return text ? JSON.parse(text) : undefined;
	} catch {
		return undefined;
	}
}
