import { fireEvent, render, screen, within } from '@testing-library/svelte';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Ballot, Document } from '$lib/api/types';
import { i18n } from '$lib/i18n/i18n.svelte';
import BallotDocuments from '../ballots/BallotDocuments.svelte';

const api = { listBallotDocuments: vi.fn(), createBallotDocument: vi.fn(), uploadFile: vi.fn() };
vi.mock('$lib/api/documents', () => ({
	listBallotDocuments: (...a: unknown[]) => api.listBallotDocuments(...a),
	createBallotDocument: (...a: unknown[]) => api.createBallotDocument(...a),
	versionsUrl: (id: number) => `/api/v1/documents/${id}/versions`
}));
vi.mock('$lib/api/upload', () => ({ uploadFile: (...a: unknown[]) => api.uploadFile(...a) }));

const me = vi.hoisted(() => ({
	member: { id: 1, role: 'secretary' },
	me: { body: { settings: { electronic_max_classification: 'none' } } }
}));
vi.mock('$lib/session/session.svelte', () => ({ session: me }));

const listeners = vi.hoisted(() => new Set<(event: string, data: unknown) => void>());
vi.mock('$lib/body/feed.svelte', () => ({
	bodyFeed: {
		listen: (fn: (event: string, data: unknown) => void) => {
			listeners.add(fn);
			return () => listeners.delete(fn);
		}
	}
}));

const ballot = (status: Ballot['status']) => ({ id: 7, status, title: 'Phiếu', questions: [], recipients: [4] }) as unknown as Ballot;

const doc = (id: number, title: string, over: Partial<Document> = {}): Document => ({
	id,
	ballot_id: 7,
	title,
	classification: 'none',
	placeholder: false,
	created_at: '2026-11-20T01:00:00Z',
	updated_at: '2026-11-20T01:00:00Z',
	...over
});
const version = (documentId: number, v: number, pages: number) => ({
	id: 100 + v,
	document_id: documentId,
	version: v,
	filename: 'Dự thảo.pdf',
	size: 1000,
	sha256: '0'.repeat(64),
	pages,
	uploaded_by: 1,
	uploaded_at: '2026-11-20T01:00:00Z',
	signatures: []
});

beforeEach(() => {
	i18n.set('vi');
	for (const f of Object.values(api)) f.mockReset();
	listeners.clear();
	me.member.role = 'secretary';
});

describe('BallotDocuments', () => {
	it('lets a recipient open each attached PDF in the reader, and follows replacements', async () => {
		me.member.role = 'member';
		api.listBallotDocuments.mockResolvedValue([
			doc(3, 'Dự thảo Nghị định', { current: version(3, 1, 12) }),
			doc(4, 'Phụ lục mật', { classification: 'top_secret', placeholder: true, paper_pages: 9 })
		]);
		render(BallotDocuments, { ballot: ballot('open') });
		const link = await screen.findByRole('link', { name: 'Đọc “Dự thảo Nghị định”' });
		expect(link.getAttribute('href')).toBe('/documents/3');
		expect(link.textContent).toContain('12 trang');
		expect(screen.getByText('Chỉ phát hành bản giấy')).toBeTruthy();
		expect(screen.queryByRole('button', { name: 'Thêm tài liệu' })).toBeNull();
		expect(api.listBallotDocuments).toHaveBeenCalledWith(7, expect.any(AbortSignal));

		// A replacement arrives on the body's stream; another ballot's document does not belong here.
		for (const fn of listeners) {
			fn('ballot.document.updated', { document: doc(3, 'Dự thảo Nghị định (sửa)', { current: version(3, 2, 14) }) });
			fn('ballot.document.updated', { document: doc(9, 'Khác', { ballot_id: 8, current: version(9, 1, 1) }) });
		}
		expect((await screen.findByRole('link', { name: 'Đọc “Dự thảo Nghị định (sửa)”' })).textContent).toContain('14 trang');
		expect(screen.queryByText('Khác')).toBeNull();
	});

	it('attaches a PDF to a draft with a progress bar, then lists it', async () => {
		api.listBallotDocuments.mockResolvedValue([]);
		api.createBallotDocument.mockResolvedValue(doc(5, 'Tờ trình'));
		let finish: (d: Document) => void = () => {};
		api.uploadFile.mockImplementation((_url: string, _file: Blob, _name: string, opts: { onProgress?: (s: number) => void }) => {
			opts.onProgress?.(0.5);
			return new Promise<Document>((resolve) => (finish = resolve));
		});
		render(BallotDocuments, { ballot: ballot('draft') });
		expect(await screen.findByText('Không có tài liệu.')).toBeTruthy();
		await fireEvent.input(screen.getByLabelText('Tên tài liệu'), { target: { value: 'Tờ trình' } });
		const file = new File(['%PDF-1.7'], 'To trinh.pdf', { type: 'application/pdf' });
		await fireEvent.change(screen.getByLabelText('Tệp PDF'), { target: { files: [file] } });
		await fireEvent.click(screen.getByRole('button', { name: 'Thêm tài liệu' }));

		expect(await screen.findByText('Đang tải lên… 50%')).toBeTruthy();
		expect(screen.getByRole('progressbar')).toBeTruthy();
		expect(api.createBallotDocument).toHaveBeenCalledWith(7, { title: 'Tờ trình', classification: 'none', paper_pages: undefined });
		expect(api.uploadFile.mock.calls[0][0]).toBe('/api/v1/documents/5/versions');
		expect(api.uploadFile.mock.calls[0][1]).toBe(file);

		finish(doc(5, 'Tờ trình', { current: version(5, 1, 3) }));
		const item = await screen.findByTestId('ballot-document');
		await vi.waitFor(() => expect(item.textContent).toContain('Phiên bản 1, 3 trang'));
		expect(within(item).getByRole('link', { name: 'Tờ trình' }).getAttribute('href')).toBe('/documents/5');
		expect(screen.getByText('Đã tải lên.')).toBeTruthy();
	});

	it('asks for the file first, and shows the server’s refusal of a broken PDF', async () => {
		const { ApiError } = await import('$lib/api/error');
		api.listBallotDocuments.mockResolvedValue([]);
		render(BallotDocuments, { ballot: ballot('draft') });
		await fireEvent.input(await screen.findByLabelText('Tên tài liệu'), { target: { value: 'Báo cáo' } });
		await fireEvent.click(screen.getByRole('button', { name: 'Thêm tài liệu' }));
		expect((await screen.findByRole('alert')).textContent).toBe('Vui lòng chọn một tệp PDF.');
		expect(api.createBallotDocument).not.toHaveBeenCalled();

		api.createBallotDocument.mockResolvedValue(doc(6, 'Báo cáo'));
		api.uploadFile.mockRejectedValue(
			new ApiError(422, { code: 'unprocessable', message: 'Tệp không phải tài liệu PDF.', field: 'file' })
		);
		await fireEvent.change(screen.getByLabelText('Tệp PDF'), { target: { files: [new File(['PNG'], 'anh.pdf')] } });
		await fireEvent.click(screen.getByRole('button', { name: 'Thêm tài liệu' }));
		expect(await screen.findByText('Tệp không phải tài liệu PDF.')).toBeTruthy();
		expect((await screen.findByTestId('ballot-document')).textContent).toContain('Chưa có tệp');
	});

	it('once sent, adds nothing but replaces a document that has a file', async () => {
		api.listBallotDocuments.mockResolvedValue([
			doc(3, 'Dự thảo Nghị định', { current: version(3, 1, 12) }),
			doc(4, 'Phụ lục mật', { classification: 'top_secret', placeholder: true, paper_pages: 9 })
		]);
		render(BallotDocuments, { ballot: ballot('open') });
		const items = await screen.findAllByTestId('ballot-document');
		expect(within(items[0]).getByText('Tải lên phiên bản mới')).toBeTruthy();
		expect(within(items[1]).queryByText(/Tải lên/)).toBeNull();
		expect(screen.queryByRole('button', { name: 'Thêm tài liệu' })).toBeNull();
		expect(screen.getByText(i18n.t.documents.ballotDocsLocked)).toBeTruthy();
	});
});
