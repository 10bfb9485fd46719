import { isApiError } from '$lib/api/error';
import type { AnswerInput, AnswerReceipt } from '$lib/api/types';

/**
 * A ballot answer waiting to be delivered. Its idempotency key is made once,
 * when the member answers, and travels with every attempt: the server stores
 * the answer once, however often it arrives.
 */
export interface OutboxEntry {
	key: string;
	ballotId: number;
	memberId: number;
	input: AnswerInput;
	queuedAt: string;
	/** The ballot's title, to list what waits when the app starts without network. */
	title?: string;
}

export interface OutboxStore {
	put(entry: OutboxEntry): Promise<void>;
	delete(key: string): Promise<void>;
	all(): Promise<OutboxEntry[]>;
}

export type Send = (entry: OutboxEntry) => Promise<AnswerReceipt>;

export type SubmitResult = { status: 'sent'; receipt: AnswerReceipt } | { status: 'queued' };

/** Whether a failed attempt should be tried again later (no answer, or the server unavailable). */
export function isRetryable(err: unknown): boolean {
	return isApiError(err) && (err.fromClient || err.status >= 500 || err.code === 'rate_limited');
}

/**
 * Keeps answers until the server has them. An answer is written to the store
 * before the first attempt and removed only once the server has answered
 * it (or refused it for good), so a tablet that sleeps or loses the network
 * in between sends it again, under the same key, when it can.
 */
export class Outbox {
	readonly #store: OutboxStore;
	readonly #send: Send;
	readonly #inFlight = new Set<string>();

	constructor(store: OutboxStore, send: Send) {
		this.#store = store;
		this.#send = send;
	}

	/** Keeps the entry, then tries to deliver it; a refusal by the server is thrown. */
	async submit(entry: OutboxEntry): Promise<SubmitResult> {
		await this.#store.put(entry);
		const receipt = await this.#deliver(entry);
		return receipt ? { status: 'sent', receipt } : { status: 'queued' };
	}

	/** The member's answers still waiting. */
	async pending(memberId: number): Promise<OutboxEntry[]> {
		return (await this.#store.all()).filter((e) => e.memberId === memberId).sort((a, b) => a.queuedAt.localeCompare(b.queuedAt));
	}

	/**
	 * Sends the member's waiting answers, oldest first (never another
	 * member's: the sign-in decides whose answer it is). Returns those the
	 * server took, and those it refused for good with the reason.
	 */
	async flush(memberId: number): Promise<{ sent: AnswerReceipt[]; refused: { entry: OutboxEntry; error: unknown }[] }> {
		const sent: AnswerReceipt[] = [];
		const refused: { entry: OutboxEntry; error: unknown }[] = [];
		for (const entry of await this.pending(memberId)) {
			if (this.#inFlight.has(entry.key)) continue;
			try {
				const receipt = await this.#deliver(entry);
				if (!receipt) break; // still no network: the rest waits too
				sent.push(receipt);
			} catch (error) {
				refused.push({ entry, error });
			}
		}
		return { sent, refused };
	}

	/** One attempt: the receipt, null to try later, or the server's refusal (entry dropped). */
	async #deliver(entry: OutboxEntry): Promise<AnswerReceipt | null> {
		this.#inFlight.add(entry.key);
		try {
			const receipt = await this.#send(entry);
			await this.#store.delete(entry.key);
			return receipt;
		} catch (err) {
			if (isRetryable(err)) return null;
			await this.#store.delete(entry.key);
			throw err;
		} finally {
			this.#inFlight.delete(entry.key);
		}
	}
}
