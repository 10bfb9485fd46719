import type { Device } from '$lib/api/types';
import type { RecordStore } from '$lib/storage/idb';
import { toBase64 } from './sign';

/** A member's signing key on this device: the private key never leaves WebCrypto. */
export interface DeviceKey {
	memberId: number;
	deviceId: number;
	algorithm: Device['algorithm'];
	privateKey: CryptoKey;
}

type Register = (algorithm: Device['algorithm'], publicKeySpki: string) => Promise<Device>;

const ALGORITHMS: { name: Device['algorithm']; params: EcKeyGenParams | Algorithm }[] = [
	{ name: 'Ed25519', params: { name: 'Ed25519' } },
	{ name: 'ECDSA-P256', params: { name: 'ECDSA', namedCurve: 'P-256' } }
];

/** A new non-extractable key pair: Ed25519 where the browser has it, else ECDSA P-256. */
export async function generateKeyPair(subtle: SubtleCrypto = crypto.subtle): Promise<{ algorithm: Device['algorithm']; pair: CryptoKeyPair }> {
	for (const alg of ALGORITHMS) {
		try {
			const pair = (await subtle.generateKey(alg.params, false, ['sign', 'verify'])) as CryptoKeyPair;
			return { algorithm: alg.name, pair };
		} catch {
			// Not supported here: try the next algorithm.
		}
	}
	throw new Error('no signing algorithm available');
}

/**
 * The member's key on this device, registered with the server the first
 * time (once per device and member). Null where the browser cannot sign
 * (no WebCrypto, no IndexedDB) or registering failed: answers then go unsigned.
 */
export async function ensureDeviceKey(store: RecordStore<DeviceKey>, memberId: number, register: Register): Promise<DeviceKey | null> {
	try {
		const held = await store.get(memberId);
		if (held) return held;
		if (!globalThis.crypto?.subtle) return null;
		const { algorithm, pair } = await generateKeyPair();
		const spki = toBase64(await crypto.subtle.exportKey('spki', pair.publicKey));
		const device = await register(algorithm, spki);
		const key: DeviceKey = { memberId, deviceId: device.id, algorithm, privateKey: pair.privateKey };
		await store.put(key);
		return key;
	} catch {
		return null;
	}
}

/** Signs text; ECDSA signatures are WebCrypto's raw r‖s, which the server accepts. */
export async function signText(key: DeviceKey, text: string): Promise<string> {
	const params = key.algorithm === 'Ed25519' ? { name: 'Ed25519' } : { name: 'ECDSA', hash: 'SHA-256' };
	return toBase64(await crypto.subtle.sign(params, key.privateKey, new TextEncoder().encode(text)));
}
