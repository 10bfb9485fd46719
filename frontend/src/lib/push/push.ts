import { api } from '$lib/api';

// Web Push subscription of this tablet (backend/http routes /push/…).

/** The application server key as the browser wants it: the raw bytes of a base64url string. */
export function keyBytes(base64url: string): Uint8Array<ArrayBuffer> {
	const b64 = base64url.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(base64url.length / 4) * 4, '=');
	const raw = atob(b64);
	const out = new Uint8Array(new ArrayBuffer(raw.length));
	for (let i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
	return out;
}

export function pushSupported(): boolean {
	return typeof navigator !== 'undefined' && 'serviceWorker' in navigator && typeof PushManager !== 'undefined' && typeof Notification !== 'undefined';
}

/** The current subscription of this device, if any. */
export async function currentSubscription(): Promise<PushSubscription | null> {
	const reg = await navigator.serviceWorker.ready;
	return reg.pushManager.getSubscription();
}

/** Asks permission, subscribes with the server's key and records the subscription in lang. */
export async function subscribe(lang: string): Promise<PushSubscription> {
	const { public_key } = await api.get<{ public_key: string }>('/push/key');
	const reg = await navigator.serviceWorker.ready;
	const sub = await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(public_key) });
	await api.post<void>('/push/subscriptions', { ...sub.toJSON(), lang });
	return sub;
}

export async function unsubscribe(sub: PushSubscription): Promise<void> {
	await api.post<void>('/push/subscriptions/delete', { endpoint: sub.endpoint });
	await sub.unsubscribe();
}

/**
 * Ends this tablet's subscription in the browser, if it has one; called
 * once the member has signed out, so that a shared tablet does not go on
 * receiving the notices of the member who left. The server is not asked
 * (the sign-in has ended): the push service answers its next notice 410,
 * and the server forgets the subscription.
 */
export async function endSubscription(): Promise<void> {
	if (!pushSupported()) return;
	const reg = await navigator.serviceWorker.getRegistration();
	const sub = await reg?.pushManager.getSubscription();
	await sub?.unsubscribe();
}
