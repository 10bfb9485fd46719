// Pure checks of a built app, used by postbuild.mjs (and tested on their own).
import { createHash } from 'node:crypto';

/**
 * Every manifest entry statically reachable from roots (manifest keys),
 * following `imports` (not dynamic imports: those load later, on demand).
 * @param {Record<string, {file: string, imports?: string[]}>} manifest
 * @param {string[]} roots
 * @returns {Set<string>} the files (paths under the output directory)
 */
export function staticClosure(manifest, roots) {
	const files = new Set();
	const seen = new Set();
	const stack = [...roots];
	while (stack.length > 0) {
		const key = /** @type {string} */ (stack.pop());
		if (seen.has(key)) continue;
		seen.add(key);
		const entry = manifest[key];
		if (!entry) throw new Error(`build report: ${key} is not in the Vite manifest`);
		files.add(entry.file);
		stack.push(...(entry.imports ?? []));
	}
	return files;
}

/**
 * The scripts index.html starts: its modulepreload links and the modules the
 * inline bootstrap imports.
 * @param {string} html
 * @returns {string[]} paths without the leading slash
 */
export function scriptsOfPage(html) {
	const out = new Set();
	for (const m of html.matchAll(/<link\b[^>]*\brel="modulepreload"[^>]*>/g)) {
		const href = /\bhref="([^"]+)"/.exec(m[0]);
		if (href) out.add(href[1].replace(/^\//, ''));
	}
	for (const m of html.matchAll(/\bimport\(\s*["']([^"']+\.js)["']\s*\)/g)) out.add(m[1].replace(/^\//, ''));
	return [...out];
}

/**
 * What the server's Content-Security-Policy (script-src 'self', style-src
 * 'self') would refuse in a page: inline styles, and inline scripts beyond the
 * single SvelteKit bootstrap (whose hash the server allows).
 * @param {string} html
 * @returns {{ problems: string[], inlineScriptHashes: string[] }}
 */
export function cspProblems(html) {
	const problems = [];
	const inline = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)].filter((m) => !/\bsrc=/.test(m[1]));
	if (inline.length !== 1) problems.push(`expected exactly one inline <script> (the SvelteKit bootstrap), found ${inline.length}`);
	if (/<style\b/i.test(html)) problems.push('a <style> element');
	if (/\sstyle\s*=/i.test(html)) problems.push('a style="…" attribute');
	if (/\son[a-z]+\s*=/i.test(html)) problems.push('an inline event handler attribute (on…=)');
	const inlineScriptHashes = inline.map((m) => `sha256-${createHash('sha256').update(m[2]).digest('base64')}`);
	return { problems, inlineScriptHashes };
}
