import { sessionHooks } from '$lib/api';
import { versionsUrl } from '$lib/api/documents';
import type { Document } from '$lib/api/types';
import { uploadFile } from '$lib/api/upload';
import { i18n } from '$lib/i18n/i18n.svelte';

/** One document's upload: its progress (0–100 while sending) and how it ended. */
export class Uploader {
	percent = $state<number | null>(null);
	error = $state<unknown>(null);
	done = $state(false);

	async upload(documentId: number, file: File): Promise<Document | undefined> {
		const hooks = sessionHooks();
		this.error = null;
		this.done = false;
		this.percent = 0;
		try {
			const doc = await uploadFile<Document>(versionsUrl(documentId), file, file.name, {
				csrfToken: hooks.csrfToken(),
				lang: i18n.lang,
				onProgress: (share) => (this.percent = Math.round(share * 100)),
				onUnauthenticated: hooks.onUnauthenticated
			});
			this.done = true;
			return doc;
		} catch (err) {
			this.error = err;
			return undefined;
		} finally {
			this.percent = null;
		}
	}
}
