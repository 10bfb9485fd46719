import adapter from '@sveltejs/adapter-static';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** Where the Go binary embeds the app from (`//go:embed all:dist`). */
const dist = '../backend/http/webapp/dist';

/** @type {import('@sveltejs/kit').Config} */
export default {
	preprocess: vitePreprocess(),
	kit: {
		// A single-page app: the Go server answers index.html for every
		// non-/api path and the router takes over in the browser.
		adapter: adapter({ pages: dist, assets: dist, fallback: 'index.html', strict: true }),
		alias: {
			$fonts: 'node_modules/@fontsource/be-vietnam-pro/files'
		},
		output: { preloadStrategy: 'modulepreload' }
	}
};
