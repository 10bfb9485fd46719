/** A query string ("?a=1&b=x") of the given values, leaving out undefined, null and empty ones. */
export function query(params: Record<string, string | number | boolean | undefined | null>): string {
	const q = new URLSearchParams();
	for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
	const s = q.toString();
	return s ? `?${s}` : '';
}
