import { afterEach, describe, expect, it, vi } from 'vitest';
import { endSubscription, keyBytes } from './push';

describe('keyBytes', () => {
	it('decodes an unpadded base64url key to its bytes', () => {
		// 0xfb 0xff 0xfe: "+//+" in base64, "-__-" in base64url.
		expect([...keyBytes('-__-')]).toEqual([0xfb, 0xff, 0xfe]);
		expect([...keyBytes('BAE')]).toEqual([4, 1]);
	});
});

describe('endSubscription', () => {
	afterEach(() => vi.unstubAllGlobals());

	function tablet(sub: { endpoint: string; unsubscribe: () => Promise<boolean> } | null) {
		vi.stubGlobal('PushManager', class {});
		vi.stubGlobal('Notification', class {});
		vi.stubGlobal('navigator', {
			serviceWorker: { getRegistration: async () => ({ pushManager: { getSubscription: async () => sub } }) }
		});
	}

	it('ends the browser’s subscription without asking the server', async () => {
		const unsubscribe = vi.fn(async () => true);
		tablet({ endpoint: 'https://push.example/t/1', unsubscribe });
		const fetch = vi.fn();
		vi.stubGlobal('fetch', fetch);
		await endSubscription();
		expect(unsubscribe).toHaveBeenCalledOnce();
		expect(fetch).not.toHaveBeenCalled();
	});

	it('does nothing on a tablet without a subscription or without push', async () => {
		tablet(null);
		await expect(endSubscription()).resolves.toBeUndefined();
		vi.unstubAllGlobals();
		vi.stubGlobal('navigator', {});
		await expect(endSubscription()).resolves.toBeUndefined();
	});
});
