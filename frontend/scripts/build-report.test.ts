import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script without type declarations
import { cspProblems, scriptsOfPage, staticClosure } from './build-report.mjs';

describe('build report', () => {
	const manifest = {
		'entry/start.js': { file: '_app/entry/start.js', imports: ['_a.js'] },
		'entry/app.js': { file: '_app/entry/app.js', imports: ['_a.js', '_b.js'], dynamicImports: ['nodes/2.js'] },
		'_a.js': { file: '_app/chunks/a.js' },
		'_b.js': { file: '_app/chunks/b.js', imports: ['_a.js'] },
		'nodes/2.js': { file: '_app/nodes/2.js', imports: ['_c.js'] },
		'_c.js': { file: '_app/chunks/c.js' }
	};

	it('follows static imports only, once each', () => {
		expect([...staticClosure(manifest, ['entry/start.js', 'entry/app.js'])].sort()).toEqual([
			'_app/chunks/a.js',
			'_app/chunks/b.js',
			'_app/entry/app.js',
			'_app/entry/start.js'
		]);
		expect(staticClosure(manifest, ['nodes/2.js']).size).toBe(2);
		expect(() => staticClosure(manifest, ['missing.js'])).toThrow(/missing\.js/);
	});

	it('finds what the page starts', () => {
		const html = `<link href="/_app/a.js" rel="modulepreload"><link rel="stylesheet" href="/x.css">
			<script>import("/_app/entry/start.js"); import("/_app/a.js")</script>`;
		expect(scriptsOfPage(html)).toEqual(['_app/a.js', '_app/entry/start.js']);
	});

	it('accepts one inline bootstrap and hashes it', () => {
		const r = cspProblems('<html><body><div class="app-root"><script>start()</script></div></body></html>');
		expect(r.problems).toEqual([]);
		expect(r.inlineScriptHashes).toEqual(['sha256-DIm7WJS6ZKDYe5qFLPy+h4JFI9Bol5QmYC57mt3Fb00=']);
	});

	it('flags what the Content-Security-Policy refuses', () => {
		const html = '<div style="display: contents"><style>a{}</style><script>a()</script><script>b()</script><button onclick="x()"></button></div>';
		expect(cspProblems(html).problems).toHaveLength(4);
		expect(cspProblems('<script src="/a.js"></script>').problems).toEqual([
			'expected exactly one inline <script> (the SvelteKit bootstrap), found 0'
		]);
	});
});
