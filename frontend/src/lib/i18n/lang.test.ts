import { describe, expect, it } from 'vitest';
import { en } from './en';
import { intlLocale, LANG_STORAGE_KEY, readLang, writeLang } from './lang';
import { vi } from './vi';

class MemoryStorage {
	items = new Map<string, string>();
	getItem(k: string) {
		return this.items.get(k) ?? null;
	}
	setItem(k: string, v: string) {
		this.items.set(k, v);
	}
}

/** Every leaf of a dictionary, as "path: type". */
function shape(o: object, prefix = ''): string[] {
	return Object.entries(o).flatMap(([k, v]) =>
		typeof v === 'object' && v !== null ? shape(v, `${prefix}${k}.`) : [`${prefix}${k}: ${typeof v}`]
	);
}

describe('language', () => {
	it('is Vietnamese unless English was chosen', () => {
		const storage = new MemoryStorage();
		expect(readLang(storage)).toBe('vi');
		expect(readLang(undefined)).toBe('vi');
		writeLang(storage, 'en');
		expect(storage.items.get(LANG_STORAGE_KEY)).toBe('en');
		expect(readLang(storage)).toBe('en');
		storage.setItem(LANG_STORAGE_KEY, 'fr');
		expect(readLang(storage)).toBe('vi');
	});

	it('survives storage that refuses', () => {
		const broken = {
			getItem: () => {
				throw new Error('denied');
			},
			setItem: () => {
				throw new Error('denied');
			}
		};
		expect(readLang(broken)).toBe('vi');
		expect(() => writeLang(broken, 'en')).not.toThrow();
	});

	it('maps to Intl locales', () => {
		expect(intlLocale('vi')).toBe('vi-VN');
		expect(intlLocale('en')).toBe('en-GB');
	});

	it('has the same strings in both languages, none empty', () => {
		expect(shape(en)).toEqual(shape(vi));
		const empty = (o: object): string[] =>
			Object.entries(o).flatMap(([k, v]) => (typeof v === 'object' ? empty(v) : v === '' ? [k] : []));
		expect(empty(vi)).toEqual([]);
		expect(empty(en)).toEqual([]);
	});

	it('phrases counts', () => {
		expect(vi.members.count(30, 30)).toBe('30 thành viên');
		expect(vi.members.count(2, 30)).toBe('2 trên 30 thành viên');
		expect(en.members.count(2, 30)).toBe('2 of 30 members');
	});
});
