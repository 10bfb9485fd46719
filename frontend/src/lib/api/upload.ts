import { ApiError, isErrorBody } from './error';

export interface UploadOptions {
	csrfToken: string | null;
	lang: string;
	/** Called as the file goes out, with the share sent (0 to 1). */
	onProgress?: (share: number) => void;
	onUnauthenticated?: (err: ApiError) => void;
	signal?: AbortSignal;
	/** The XMLHttpRequest constructor (tests give their own). */
	xhr?: () => XMLHttpRequest;
}

/**
 * Uploads a file as the multipart field `file` with XMLHttpRequest, which
 * (unlike fetch) reports upload progress. Answers the JSON of a 2xx answer;
 * failures are ApiErrors like the JSON client's (413 too_large and 422
 * unprocessable carry the server's message).
 */
export function uploadFile<T>(url: string, file: Blob, filename: string, opts: UploadOptions): Promise<T> {
	return new Promise((resolve, reject) => {
		const xhr = opts.xhr ? opts.xhr() : new XMLHttpRequest();
		xhr.open('POST', url);
		xhr.setRequestHeader('Accept', 'application/json');
		xhr.setRequestHeader('Accept-Language', opts.lang);
		if (opts.csrfToken) xhr.setRequestHeader('X-CSRF-Token', opts.csrfToken);
		xhr.upload.onprogress = (e) => {
			if (e.lengthComputable && e.total > 0) opts.onProgress?.(e.loaded / e.total);
		};
		xhr.onload = () => {
			let data: unknown;
			try {
				data = xhr.responseText ? JSON.parse(xhr.responseText) : undefined;
			} catch {
				data = undefined;
			}
			if (xhr.status >= 200 && xhr.status < 300 && data !== undefined) {
				opts.onProgress?.(1);
				resolve(data as T);
				return;
			}
			const err = isErrorBody(data)
				? new ApiError(xhr.status, data)
				: new ApiError(xhr.status, { code: 'bad_response', message: '' });
			if (xhr.status === 401) opts.onUnauthenticated?.(err);
			reject(err);
		};
		xhr.onerror = () => reject(ApiError.client('network'));
		xhr.ontimeout = () => reject(ApiError.client('timeout'));
		xhr.onabort = () => reject(new DOMException('upload cancelled', 'AbortError'));
		opts.signal?.addEventListener('abort', () => xhr.abort());
		const form = new FormData();
		form.append('file', file, filename);
		xhr.send(form);
	});
}
