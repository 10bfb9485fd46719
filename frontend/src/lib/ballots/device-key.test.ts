import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it, vi } from 'vitest';
import type { Device } from '$lib/api/types';
import { KEYS_STORE, openDatabase, RecordStore } from '$lib/storage/idb';
import { ensureDeviceKey, signText, type DeviceKey } from './device-key';

function base64ToBytes(s: string): Uint8Array<ArrayBuffer> {
	return Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
}

const keyStore = () => {
	const factory = new IDBFactory();
	return new RecordStore<DeviceKey>(() => openDatabase(factory), KEYS_STORE);
};

describe('device key', () => {
	it('registers one non-extractable key per member and signs verifiably with it', async () => {
		const store = keyStore();
		const register = vi.fn(async (algorithm: Device['algorithm'], public_key: string) => ({ id: 41, algorithm, public_key }) as Device);
		const key = await ensureDeviceKey(store, 5, register);
		expect(key).toMatchObject({ memberId: 5, deviceId: 41 });
		expect(key!.privateKey.extractable).toBe(false);
		expect(await ensureDeviceKey(store, 5, register)).toMatchObject({ deviceId: 41 });
		expect(register).toHaveBeenCalledOnce();

		const [algorithm, spki] = register.mock.calls[0];
		const params = algorithm === 'Ed25519' ? { name: 'Ed25519' } : { name: 'ECDSA', namedCurve: 'P-256' };
		const publicKey = await crypto.subtle.importKey('spki', base64ToBytes(spki), params, false, ['verify']);
		const text = 'ecabinet/ballot-answer/v1\nballot:1\nmember:5\n';
		const signature = base64ToBytes(await signText(key!, text));
		const verify = algorithm === 'Ed25519' ? { name: 'Ed25519' } : { name: 'ECDSA', hash: 'SHA-256' };
		expect(await crypto.subtle.verify(verify, publicKey, signature, new TextEncoder().encode(text))).toBe(true);
	});

	it('answers null (unsigned answers) when registering fails', async () => {
		const store = keyStore();
		expect(await ensureDeviceKey(store, 5, () => Promise.reject(new Error('offline')))).toBeNull();
		expect(await store.all()).toEqual([]);
	});
});
