import { describe, expect, it } from 'vitest';
import type { BodySettings, Document } from '$lib/api/types';
import { mayKeep } from './offline-copies';

const doc = (over: Partial<Document> = {}) =>
	({ id: 1, classification: 'none', placeholder: false, current: { id: 5 }, ...over }) as Document;
const settings = (offline_reading: boolean) => ({ offline_reading }) as BodySettings;

describe('documents kept for offline reading', () => {
	it('only when the body allows it, and only unclassified documents with a file', () => {
		expect(mayKeep(doc(), settings(true))).toBe(true);
		expect(mayKeep(doc(), settings(false))).toBe(false);
		expect(mayKeep(doc({ classification: 'confidential' }), settings(true))).toBe(false);
		expect(mayKeep(doc({ placeholder: true, current: undefined }), settings(true))).toBe(false);
	});
});
