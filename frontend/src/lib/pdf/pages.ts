import type { PDFDocumentProxy } from 'pdfjs-dist';

/** How many rendered pages are kept for instant page turns. */
const KEEP = 6;

/**
 * Renders pages of a document to canvases and keeps the last few, so that
 * turning back and forth shows a page at once; the neighbours of the page
 * shown are rendered ahead.
 */
export class PageRenderer {
	readonly doc: PDFDocumentProxy;
	readonly #cache = new Map<string, Promise<HTMLCanvasElement>>();

	constructor(doc: PDFDocumentProxy) {
		this.doc = doc;
	}

	get pages(): number {
		return this.doc.numPages;
	}

	/** The page's width in CSS pixels at scale 1. */
	async pageWidth(n: number): Promise<number> {
		const page = await this.doc.getPage(n);
		return page.getViewport({ scale: 1 }).width;
	}

	/** Page n at scale (CSS pixels), drawn for the screen's pixel density. */
	render(n: number, scale: number): Promise<HTMLCanvasElement> {
		const key = `${n}@${scale.toFixed(3)}`;
		let hit = this.#cache.get(key);
		if (hit) {
			this.#cache.delete(key);
			this.#cache.set(key, hit); // most recently used last
			return hit;
		}
		hit = this.#draw(n, scale, devicePixelRatio || 1);
		hit.catch(() => this.#cache.delete(key));
		this.#cache.set(key, hit);
		while (this.#cache.size > KEEP) this.#cache.delete(this.#cache.keys().next().value as string);
		return hit;
	}

	/** A small picture of page n, width CSS pixels wide (not kept: thumbnails keep their own). */
	async thumbnail(n: number, width: number): Promise<HTMLCanvasElement> {
		return this.#draw(n, width / (await this.pageWidth(n)), Math.min(devicePixelRatio || 1, 2));
	}

	async #draw(n: number, scale: number, density: number): Promise<HTMLCanvasElement> {
		const page = await this.doc.getPage(n);
		const viewport = page.getViewport({ scale: scale * density });
		const canvas = document.createElement('canvas');
		canvas.width = Math.floor(viewport.width);
		canvas.height = Math.floor(viewport.height);
		// CSS size through the CSSOM (the CSP refuses style attributes, not this).
		canvas.style.width = `${Math.floor(viewport.width / density)}px`;
		canvas.style.height = `${Math.floor(viewport.height / density)}px`;
		await page.render({ canvas, viewport }).promise;
		return canvas;
	}

	destroy(): void {
		this.#cache.clear();
		void this.doc.destroy();
	}
}
