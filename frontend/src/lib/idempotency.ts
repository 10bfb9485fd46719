/** A new idempotency key (crypto.randomUUID needs a secure context; this does not). */
export function newIdempotencyKey(): string {
	return [...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, '0')).join('');
}

const castKeys = new Map<number, string>();

/** The key of this member's cast in a vote, made once: every retry of the cast carries it. */
export function castKeyFor(voteId: number): string {
	let key = castKeys.get(voteId);
	if (!key) castKeys.set(voteId, (key = newIdempotencyKey()));
	return key;
}
