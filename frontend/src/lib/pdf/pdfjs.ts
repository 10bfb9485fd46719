// pdf.js is loaded on demand, the first time a document is opened: it is
// never part of the first screens' JavaScript. Its worker is a file of the
// app's own build (worker-src 'self'), and nothing is evaluated from strings.
import type { PDFDocumentProxy } from 'pdfjs-dist';

let loading: Promise<typeof import('pdfjs-dist')> | null = null;

function pdfjs(): Promise<typeof import('pdfjs-dist')> {
	loading ??= Promise.all([import('pdfjs-dist'), import('pdfjs-dist/build/pdf.worker.min.mjs?url')]).then(([lib, worker]) => {
		lib.GlobalWorkerOptions.workerSrc = worker.default;
		return lib;
	});
	return loading;
}

/**
 * Opens a PDF by its address with range requests: pages load as they are
 * needed rather than the whole file first.
 */
export async function openPdf(url: string): Promise<PDFDocumentProxy> {
	const lib = await pdfjs();
	return lib.getDocument({
		url,
		isEvalSupported: false,
		withCredentials: true,
		disableAutoFetch: true,
		rangeChunkSize: 256 * 1024,
		enableXfa: false
	}).promise;
}

/** Opens a PDF already in memory (a copy kept on the device). */
export async function openPdfData(data: ArrayBuffer): Promise<PDFDocumentProxy> {
	const lib = await pdfjs();
	return lib.getDocument({ data, isEvalSupported: false, enableXfa: false }).promise;
}
