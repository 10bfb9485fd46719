import type { RealtimeEnvironment, SocketHandlers, SocketLike } from './client';

/** The WebSocket address of the hub on the page's own origin. */
export function hubUrl(location: Pick<Location, 'protocol' | 'host'>): string {
	return `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}/api/v1/ws`;
}

export function openBrowserSocket(url: string, h: SocketHandlers): SocketLike {
	const ws = new WebSocket(url);
	ws.onmessage = (e) => h.message(e.data);
	ws.onclose = (e) => h.close(e.code, e.reason);
	return ws;
}

/**
 * The browser's network and wake-up signals: online/offline, the page
 * becoming visible again, and a page restored from the back-forward cache.
 */
export const browserEnvironment: RealtimeEnvironment = {
	isOnline: () => navigator.onLine,
	watch(hooks) {
		const onVisibility = () => {
			if (document.visibilityState === 'visible') hooks.wake();
		};
		const onPageShow = (e: PageTransitionEvent) => {
			if (e.persisted) hooks.wake();
		};
		addEventListener('online', hooks.online);
		addEventListener('offline', hooks.offline);
		addEventListener('pageshow', onPageShow);
		document.addEventListener('visibilitychange', onVisibility);
		return () => {
			removeEventListener('online', hooks.online);
			removeEventListener('offline', hooks.offline);
			removeEventListener('pageshow', onPageShow);
			document.removeEventListener('visibilitychange', onVisibility);
		};
	}
};
