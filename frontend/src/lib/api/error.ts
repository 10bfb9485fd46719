/**
 * Codes the client itself gives to failures that never reached the API's
 * error model. Every other code comes from the server (invalid,
 * unauthenticated, forbidden, not_found, conflict, rate_limited, …).
 */
export type ClientErrorCode = 'network' | 'timeout' | 'bad_response';

/** The JSON body of every API error. */
export interface ErrorBody {
	code: string;
	message: string;
	field?: string;
	request_id?: string;
}

/**
 * A failed API call. For server errors, message is already in the language
 * the request asked for; client errors (network, timeout, bad_response) have
 * no server message and are shown from the app's own strings.
 */
export class ApiError extends Error {
	readonly status: number;
	readonly code: string;
	readonly field: string | undefined;
	readonly requestId: string | undefined;

	constructor(status: number, body: ErrorBody) {
		super(body.message);
		this.name = 'ApiError';
		this.status = status;
		this.code = body.code;
		this.field = body.field || undefined;
		this.requestId = body.request_id || undefined;
	}

	/** True for failures made by the client, without a server message. */
	get fromClient(): boolean {
		return this.status === 0;
	}

	static client(code: ClientErrorCode): ApiError {
		return new ApiError(0, { code, message: '' });
	}
}

export function isApiError(err: unknown): err is ApiError {
	return err instanceof ApiError;
}

/** Narrows an unknown JSON value to an ErrorBody. */
export function isErrorBody(value: unknown): value is ErrorBody {
	if (typeof value !== 'object' || value === null) return false;
	const v = value as Record<string, unknown>;
	return typeof v.code === 'string' && typeof v.message === 'string';
}
