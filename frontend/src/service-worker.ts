/// <reference types="@sveltejs/kit" />
/// <reference no-default-lib="true"/>
/// <reference lib="esnext" />
/// <reference lib="webworker" />

// Keeps the app shell (the page, built scripts and styles, fonts, icons) so
// the app starts without network. API answers and documents (/api/…) are
// never cached: they go to the network or fail.
import { build, files, version } from '$service-worker';

const sw = self as unknown as ServiceWorkerGlobalScope;
const CACHE = `ecabinet-shell-${version}`;
/** Every address of the shell; '/' is index.html, which the server answers for every app path. */
const SHELL_PAGE = '/';
const ASSETS = new Set([...build, ...files]);

sw.addEventListener('install', (event) => {
	event.waitUntil(
		(async () => {
			const cache = await caches.open(CACHE);
			await cache.addAll([SHELL_PAGE, ...ASSETS]);
			await sw.skipWaiting();
		})()
	);
});

sw.addEventListener('activate', (event) => {
	event.waitUntil(
		(async () => {
			for (const key of await caches.keys()) if (key !== CACHE) await caches.delete(key);
			await sw.clients.claim();
		})()
	);
});

sw.addEventListener('fetch', (event) => {
	const request = event.request;
	if (request.method !== 'GET') return;
	const url = new URL(request.url);
	if (url.origin !== sw.location.origin || url.pathname.startsWith('/api/')) return;
	if (ASSETS.has(url.pathname)) {
		event.respondWith(cacheFirst(request));
	} else if (request.mode === 'navigate') {
		event.respondWith(pageNetworkFirst(request));
	}
});

async function cacheFirst(request: Request): Promise<Response> {
	const cached = await caches.match(request, { cacheName: CACHE });
	return cached ?? fetch(request);
}

/** The page from the network (a new release), or the kept copy offline. */
async function pageNetworkFirst(request: Request): Promise<Response> {
	try {
		const response = await fetch(request);
		if (response.ok && response.headers.get('content-type')?.startsWith('text/html')) {
			const cache = await caches.open(CACHE);
			await cache.put(SHELL_PAGE, response.clone());
		}
		return response;
	} catch (err) {
		const cached = await caches.match(SHELL_PAGE, { cacheName: CACHE });
		if (cached) return cached;
		throw err;
	}
}

// Web Push: the server's notice, already in the member's language, shown as
// a system notification; a tap opens what it is about (meeting:12, ballot:3).
sw.addEventListener('push', (event) => {
	const notice = (event.data?.json() ?? {}) as { title?: string; body?: string; ref?: string; kind?: string };
	event.waitUntil(
		sw.registration.showNotification(notice.title ?? 'e-Cabinet', {
			body: notice.body ?? '',
			tag: notice.ref,
			data: { ref: notice.ref ?? '' },
			icon: '/favicon.svg'
		})
	);
});

sw.addEventListener('notificationclick', (event) => {
	event.notification.close();
	const [kind, id] = String(event.notification.data?.ref ?? '').split(':');
	const path = kind === 'meeting' ? `/meetings/${id}` : kind === 'ballot' ? `/ballots/${id}` : kind === 'task' ? `/tasks/${id}` : '/';
	event.waitUntil(sw.clients.openWindow(path));
});
