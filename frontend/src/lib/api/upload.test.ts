import { describe, expect, it } from 'vitest';
import { uploadFile } from './upload';

/** Just enough of XMLHttpRequest to drive an upload by hand. */
class FakeXHR {
	headers: Record<string, string> = {};
	method = '';
	url = '';
	body: unknown;
	status = 0;
	responseText = '';
	upload: { onprogress: ((e: { lengthComputable: boolean; loaded: number; total: number }) => void) | null } = { onprogress: null };
	onload: (() => void) | null = null;
	onerror: (() => void) | null = null;
	ontimeout: (() => void) | null = null;
	onabort: (() => void) | null = null;
	open(method: string, url: string) {
		this.method = method;
		this.url = url;
	}
	setRequestHeader(k: string, v: string) {
		this.headers[k] = v;
	}
	send(body: unknown) {
		this.body = body;
	}
	abort() {
		this.onabort?.();
	}
	answer(status: number, body: unknown) {
		this.status = status;
		this.responseText = JSON.stringify(body);
		this.onload?.();
	}
}

function start(onProgress?: (p: number) => void) {
	const xhr = new FakeXHR();
	const p = uploadFile<{ id: number }>('/api/v1/documents/3/versions', new Blob(['%PDF-1.7']), 'to-trinh.pdf', {
		csrfToken: 'tok',
		lang: 'vi',
		onProgress,
		xhr: () => xhr as unknown as XMLHttpRequest
	});
	return { xhr, p };
}

describe('uploadFile', () => {
	it('posts the file as the field `file` with the CSRF token and reports progress', async () => {
		const seen: number[] = [];
		const { xhr, p } = start((s) => seen.push(s));
		expect(xhr.method).toBe('POST');
		expect(xhr.headers['X-CSRF-Token']).toBe('tok');
		expect(xhr.headers['Accept-Language']).toBe('vi');
		expect((xhr.body as FormData).get('file')).toBeInstanceOf(Blob);
		xhr.upload.onprogress?.({ lengthComputable: true, loaded: 50, total: 200 });
		xhr.answer(201, { id: 3 });
		expect(await p).toEqual({ id: 3 });
		expect(seen).toEqual([0.25, 1]);
	});

	it('turns 413 and 422 into ApiErrors with the server’s message', async () => {
		const a = start();
		a.xhr.answer(413, { code: 'too_large', message: 'Tệp quá lớn.' });
		await expect(a.p).rejects.toMatchObject({ status: 413, code: 'too_large', message: 'Tệp quá lớn.' });
		const b = start();
		b.xhr.answer(422, { code: 'unprocessable', message: 'Tệp không phải PDF.' });
		await expect(b.p).rejects.toMatchObject({ status: 422, code: 'unprocessable' });
	});

	it('reports a lost network as code network', async () => {
		const { xhr, p } = start();
		xhr.onerror?.();
		await expect(p).rejects.toMatchObject({ code: 'network', fromClient: true });
	});
});
