import type { AnswerItem } from '$lib/api/types';

async function sha256Hex(text: string): Promise<string> {
	const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
	return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * The exact text a device signs to answer a ballot, as
 * ecabinet.SignedAnswerMessage builds it (backend/ecabinet/device.go): the
 * ballot, the member, then each answer by question id in numeric order with
 * the SHA-256 of its comment; every line ends with a newline.
 */
export async function signedAnswerMessage(ballotId: number, memberId: number, answers: AnswerItem[]): Promise<string> {
	const items = [...answers].sort((a, b) => a.question_id - b.question_id);
	let text = `ecabinet/ballot-answer/v1\nballot:${ballotId}\nmember:${memberId}\n`;
	for (const a of items) text += `q:${a.question_id}|${a.choice}|${await sha256Hex(a.comment)}\n`;
	return text;
}

export function toBase64(bytes: ArrayBuffer): string {
	let s = '';
	for (const b of new Uint8Array(bytes)) s += String.fromCharCode(b);
	return btoa(s);
}
