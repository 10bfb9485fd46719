import { intlLocale, type Lang } from '$lib/i18n/lang';

// Numbers as each language writes them: Vietnamese groups thousands with
// dots and writes decimals with a comma (865.784; 99,4%; 1.298.676.000 ₫).

const cache = new Map<string, Intl.NumberFormat>();

function nf(lang: Lang, options: Intl.NumberFormatOptions): Intl.NumberFormat {
	const key = `${lang}|${JSON.stringify(options)}`;
	let f = cache.get(key);
	if (!f) {
		f = new Intl.NumberFormat(intlLocale(lang), options);
		cache.set(key, f);
	}
	return f;
}

/** A count or an amount, grouped: 865.784 (vi), 865,784 (en). */
export function formatNumber(n: number, lang: Lang, maxDecimals = 1): string {
	return nf(lang, { maximumFractionDigits: maxDecimals }).format(n);
}

/** A share already in percent: 99,4% (vi), 99.4% (en). */
export function formatPercent(pc: number, lang: Lang): string {
	return `${formatNumber(pc, lang)}%`;
}

/** An amount of đồng: 1.298.676.000 ₫ (vi). */
export function formatVnd(n: number, lang: Lang): string {
	return nf(lang, { style: 'currency', currency: 'VND', maximumFractionDigits: 0 }).format(n);
}

/** A short amount for a chart's axis: 1,3 tỷ, 150 triệu (vi); 1.3bn, 150M (en). */
export function formatCompact(n: number, lang: Lang): string {
	return nf(lang, { notation: 'compact', compactDisplay: lang === 'vi' ? 'long' : 'short', maximumFractionDigits: 1 }).format(n);
}

/** A weight from milligrams in the largest fitting unit, never smaller than grams: 2,2 tấn, 13,3 kg, 500 g, 0,5 g. */
export function formatWeight(mg: number, lang: Lang): string {
	const units: [number, string, string][] = [
		[1e9, 'tấn', 't'],
		[1e6, 'kg', 'kg'],
		[1e3, 'g', 'g']
	];
	for (const [size, vi, en] of units) {
		if (mg >= size) return `${formatNumber(mg / size, lang)} ${lang === 'vi' ? vi : en}`;
	}
	return `${formatNumber(mg / 1e3, lang)} g`;
}
