import type { BodySettings, Document } from '$lib/api/types';

/**
 * Stamped copies kept on the device for reading without network. Only when
 * the body allows it (settings.offline_reading) and only unclassified
 * documents; everything is removed when the member signs out or the body
 * stops allowing it. Kept in Cache Storage under /offline/documents/…, never
 * under /api/ (the service worker stores no API answer).
 */
const CACHE = 'ecabinet-reading';
const PREFIX = '/offline/documents/';

export function mayKeep(doc: Document, settings: BodySettings): boolean {
	return settings.offline_reading && doc.classification === 'none' && !doc.placeholder && !!doc.current;
}

const keyOf = (doc: Document) => `${PREFIX}${doc.id}/${doc.current!.id}.pdf`;

/** Keeps the stamped copy at contentUrl (the whole file) with the document's details; older versions go. */
export async function keepCopy(doc: Document, contentUrl: string): Promise<void> {
	const res = await fetch(contentUrl, { credentials: 'same-origin', cache: 'no-store' });
	if (!res.ok) return;
	const cache = await caches.open(CACHE);
	await dropOtherVersions(cache, doc);
	await cache.put(
		keyOf(doc),
		new Response(await res.blob(), {
			headers: { 'Content-Type': 'application/pdf', 'X-Document': encodeURIComponent(JSON.stringify(doc)) }
		})
	);
}

async function dropOtherVersions(cache: Cache, doc: Document): Promise<void> {
	for (const req of await cache.keys()) {
		const path = new URL(req.url).pathname;
		if (path.startsWith(`${PREFIX}${doc.id}/`) && path !== keyOf(doc)) await cache.delete(req);
	}
}

export interface KeptCopy {
	doc: Document;
	data: ArrayBuffer;
}

/** The kept copy of a document, if any. */
export async function keptCopy(documentId: number): Promise<KeptCopy | null> {
	if (typeof caches === 'undefined') return null;
	const cache = await caches.open(CACHE);
	for (const req of await cache.keys()) {
		if (!new URL(req.url).pathname.startsWith(`${PREFIX}${documentId}/`)) continue;
		const res = await cache.match(req);
		const meta = res?.headers.get('X-Document');
		if (res && meta) return { doc: JSON.parse(decodeURIComponent(meta)) as Document, data: await res.arrayBuffer() };
	}
	return null;
}

/** The documents kept on this device. */
export async function keptDocuments(): Promise<Document[]> {
	if (typeof caches === 'undefined' || !(await caches.has(CACHE))) return [];
	const cache = await caches.open(CACHE);
	const out: Document[] = [];
	for (const req of await cache.keys()) {
		const meta = (await cache.match(req))?.headers.get('X-Document');
		if (meta) out.push(JSON.parse(decodeURIComponent(meta)) as Document);
	}
	return out;
}

/** Removes the kept copies of one document (it may no longer be kept). */
export async function forgetCopy(documentId: number): Promise<void> {
	if (typeof caches === 'undefined' || !(await caches.has(CACHE))) return;
	const cache = await caches.open(CACHE);
	for (const req of await cache.keys()) if (new URL(req.url).pathname.startsWith(`${PREFIX}${documentId}/`)) await cache.delete(req);
}

/** Removes every kept copy (sign-out, or the body no longer allows it). */
export async function dropCopies(): Promise<void> {
	if (typeof caches !== 'undefined') await caches.delete(CACHE);
}
