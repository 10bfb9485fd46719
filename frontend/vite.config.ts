import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig, type Plugin } from 'vitest/config';

/**
 * SvelteKit's route announcer carries an inline style attribute, which the
 * server's Content-Security-Policy (style-src 'self') refuses. Remove it; the
 * same rules are in app.css under #svelte-announcer.
 */
function announcerWithoutInlineStyle(): Plugin {
	return {
		name: 'ecabinet:announcer-without-inline-style',
		enforce: 'pre',
		transform(code, id) {
			if (!id.endsWith('/.svelte-kit/generated/root.svelte')) return;
			const out = code.replace(/(<div id="svelte-announcer"[^>]*?)\s+style="[^"]*"/, '$1');
			if (out === code) this.error('the route announcer markup changed: update announcerWithoutInlineStyle');
			return { code: out, map: null };
		}
	};
}

export default defineConfig({
	plugins: [announcerWithoutInlineStyle(), sveltekit()],
	server: {
		// `npm run dev` talks to a Go server started on its default address.
		proxy: { '/api': { target: 'http://127.0.0.1:8080', ws: true } }
	},
	test: {
		projects: [
			{
				extends: true,
				test: {
					name: 'unit',
					environment: 'node',
					include: ['src/**/*.test.ts', 'scripts/**/*.test.ts'],
					exclude: ['src/**/*.svelte.test.ts']
				}
			},
			{
				extends: true,
				resolve: { conditions: ['browser'] },
				test: {
					name: 'component',
					environment: 'jsdom',
					include: ['src/**/*.svelte.test.ts'],
					setupFiles: ['src/test-setup.ts']
				}
			}
		]
	}
});
