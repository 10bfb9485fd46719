import { intlLocale, type Lang } from '$lib/i18n/lang';

/** The time zone used when a body has none: Vietnam's. */
export const DEFAULT_TIMEZONE = 'Asia/Ho_Chi_Minh';

const cache = new Map<string, Intl.DateTimeFormat>();

function formatter(lang: Lang, timeZone: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
	const key = `${lang}|${timeZone}|${JSON.stringify(options)}`;
	let f = cache.get(key);
	if (!f) {
		try {
			f = new Intl.DateTimeFormat(intlLocale(lang), { ...options, timeZone });
		} catch {
			// An unknown zone name (a bad setting) must not break the screen.
			f = new Intl.DateTimeFormat(intlLocale(lang), { ...options, timeZone: DEFAULT_TIMEZONE });
		}
		cache.set(key, f);
	}
	return f;
}

function toDate(value: string | Date): Date {
	return typeof value === 'string' ? new Date(value) : value;
}

/** A long date with the weekday, such as "Thứ Bảy, 21 tháng 11, 2026". */
export function formatLongDate(value: string | Date, lang: Lang, timeZone: string): string {
	return formatter(lang, timeZone, { dateStyle: 'full' }).format(toDate(value));
}

/** A date and time, such as "14:30 21/11/2026" (vi) or "21/11/2026, 14:30" (en). */
export function formatDateTime(value: string | Date, lang: Lang, timeZone: string): string {
	return formatter(lang, timeZone, {
		day: '2-digit',
		month: '2-digit',
		year: 'numeric',
		hour: '2-digit',
		minute: '2-digit',
		hourCycle: 'h23'
	}).format(toDate(value));
}

/** A date alone, such as "21/11/2026". */
export function formatDate(value: string | Date, lang: Lang, timeZone: string): string {
	return formatter(lang, timeZone, { day: '2-digit', month: '2-digit', year: 'numeric' }).format(toDate(value));
}

/** The IANA time zone names this browser knows, for suggestions. */
export function timeZoneNames(): string[] {
	return typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
}

/** A time of day, such as "14:30". */
export function formatTime(value: string | Date, lang: Lang, timeZone: string): string {
	return formatter(lang, timeZone, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(toDate(value));
}

/** What is left until a deadline, in whole days, hours or minutes; null once it has passed. */
export function timeLeft(deadline: string | Date, now: Date): { unit: 'day' | 'hour' | 'minute'; value: number } | null {
	const ms = toDate(deadline).getTime() - now.getTime();
	if (ms <= 0) return null;
	const minutes = Math.ceil(ms / 60_000);
	if (minutes >= 48 * 60) return { unit: 'day', value: Math.floor(minutes / (24 * 60)) };
	if (minutes >= 120) return { unit: 'hour', value: Math.floor(minutes / 60) };
	return { unit: 'minute', value: minutes };
}
