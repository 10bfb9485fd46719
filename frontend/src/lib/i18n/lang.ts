/** The languages of the app; Vietnamese is the default. */
export type Lang = 'vi' | 'en';

export const LANGS: readonly Lang[] = ['vi', 'en'];
export const DEFAULT_LANG: Lang = 'vi';

/** Where the chosen language is kept between visits. */
export const LANG_STORAGE_KEY = 'ecabinet.lang';

export function isLang(value: unknown): value is Lang {
	return value === 'vi' || value === 'en';
}

/** The BCP 47 locale used with Intl for a language. */
export function intlLocale(lang: Lang): string {
	return lang === 'vi' ? 'vi-VN' : 'en-GB';
}

/** The stored language, or the default when none (or an unknown one) is stored. */
export function readLang(storage: Pick<Storage, 'getItem'> | undefined): Lang {
	try {
		const stored = storage?.getItem(LANG_STORAGE_KEY);
		return isLang(stored) ? stored : DEFAULT_LANG;
	} catch {
		return DEFAULT_LANG; // storage can be disabled (private mode, policy)
	}
}

export function writeLang(storage: Pick<Storage, 'setItem'> | undefined, lang: Lang): void {
	try {
		storage?.setItem(LANG_STORAGE_KEY, lang);
	} catch {
		// Not persisted; the choice still holds for this visit.
	}
}
