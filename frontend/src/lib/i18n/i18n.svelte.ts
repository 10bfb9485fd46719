import { en } from './en';
import { intlLocale, readLang, writeLang, type Lang } from './lang';
import { vi, type Messages } from './vi';

const dictionaries: Record<Lang, Messages> = { vi, en };

function browserStorage(): Storage | undefined {
	return typeof localStorage === 'undefined' ? undefined : localStorage;
}

/** The current language and its strings, reactive for components. */
class I18n {
	lang = $state<Lang>(readLang(browserStorage()));
	t: Messages = $derived(dictionaries[this.lang]);
	locale: string = $derived(intlLocale(this.lang));

	/** Switches the language and keeps the choice for the next visits. */
	set(lang: Lang): void {
		this.lang = lang;
		writeLang(browserStorage(), lang);
	}
}

export const i18n = new I18n();
export type { Lang, Messages };
