// RFC 6238 codes (HMAC-SHA1, 30-second steps, 6 digits), as an authenticator app computes them.
import { createHmac } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function base32(secret) {
	let bits = '';
	for (const c of secret.replace(/[\s=]/g, '').toUpperCase()) bits += ALPHABET.indexOf(c).toString(2).padStart(5, '0');
	const bytes = [];
	for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(parseInt(bits.slice(i, i + 8), 2));
	return Buffer.from(bytes);
}

/** The code of a secret at a step (default: now, shifted by `offset` steps). */
export function totp(secret, offset = 0, now = Date.now()) {
	const step = Math.floor(now / 30_000) + offset;
	const msg = Buffer.alloc(8);
	msg.writeBigUInt64BE(BigInt(step));
	const mac = createHmac('sha1', base32(secret)).update(msg).digest();
	const off = mac[mac.length - 1] & 0x0f;
	return String((mac.readUInt32BE(off) & 0x7fffffff) % 1_000_000).padStart(6, '0');
}
