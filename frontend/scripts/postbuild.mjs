// After `vite build`: restore dist/.keep (the adapter empties the directory
// the Go binary embeds), check index.html against the server's CSP, and
// report the initial JavaScript, failing above the budget.
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { cspProblems, scriptsOfPage, staticClosure } from './build-report.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, '../backend/http/webapp/dist');
const manifestPath = join(root, '.svelte-kit/output/client/.vite/manifest.json');
const generatedNodes = join(root, '.svelte-kit/generated/client-optimized/nodes');
/** The screens a visitor can land on first: home when signed in, sign-in otherwise. */
const FIRST_SCREENS = ['src/routes/+page.svelte', 'src/routes/login/+page.svelte'];
const BUDGET_KB = 150;

let failed = false;
const fail = (msg) => {
	console.error(`✗ ${msg}`);
	failed = true;
};

// 1. The embedded directory keeps its committed placeholder.
writeFileSync(join(dist, '.keep'), '');

// 2. Content-Security-Policy.
const html = readFileSync(join(dist, 'index.html'), 'utf8');
const csp = cspProblems(html);
for (const p of csp.problems) fail(`index.html: ${p} (refused by the server's Content-Security-Policy)`);
console.log(`index.html inline bootstrap: '${csp.inlineScriptHashes.join("' '")}' (the server allows it in script-src)`);

// 3. Initial JavaScript: what index.html starts, plus the first screens.
const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
const keyOfFile = new Map(Object.entries(manifest).map(([key, e]) => [e.file, key]));
const roots = scriptsOfPage(html).map((file) => {
	const key = keyOfFile.get(file);
	if (!key) throw new Error(`postbuild: ${file} (from index.html) is not in the Vite manifest`);
	return key;
});
for (const name of readdirSync(generatedNodes)) {
	const source = readFileSync(join(generatedNodes, name), 'utf8');
	if (FIRST_SCREENS.some((screen) => source.includes(`/${screen}"`))) {
		roots.push(`.svelte-kit/generated/client-optimized/nodes/${name}`);
	}
}
const files = [...staticClosure(manifest, roots)].filter((f) => f.endsWith('.js'));
let raw = 0;
let gz = 0;
for (const f of files) {
	const data = readFileSync(join(dist, f));
	raw += data.length;
	gz += gzipSync(data, { level: 9 }).length;
}
const kb = (n) => (n / 1024).toFixed(1);
console.log(`initial JavaScript: ${files.length} files, ${kb(raw)} KB, ${kb(gz)} KB gzip (budget ${BUDGET_KB} KB gzip)`);
if (gz / 1024 > BUDGET_KB) fail(`initial JavaScript is ${kb(gz)} KB gzip, over the ${BUDGET_KB} KB budget`);

if (failed) process.exit(1);
