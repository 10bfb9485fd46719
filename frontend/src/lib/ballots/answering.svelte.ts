import { answerBallot, getBallot } from '$lib/api/ballots';
import { registerDevice } from '$lib/api/devices';
import type { AnswerItem, AnswerReceipt, Ballot, BallotAnswer } from '$lib/api/types';
import { bodyFeed } from '$lib/body/feed.svelte';
import { newIdempotencyKey } from '$lib/idempotency';
import { appDatabase, KEYS_STORE, OUTBOX_STORE, RecordStore } from '$lib/storage/idb';
import { ensureDeviceKey, signText, type DeviceKey } from './device-key';
import { Outbox, type OutboxEntry, type SubmitResult } from './outbox';
import { signedAnswerMessage } from './sign';

const keys = new RecordStore<DeviceKey>(appDatabase, KEYS_STORE);
const outbox = new Outbox(new RecordStore<OutboxEntry>(appDatabase, OUTBOX_STORE), (e) =>
	answerBallot(e.ballotId, e.input, e.key)
);

function deviceName(): string {
	return `e-Cabinet · ${navigator.platform || 'web'}`;
}

/** The caller's answers as the ballot shows them, from a receipt. */
export function mineFromReceipt(r: AnswerReceipt): BallotAnswer[] {
	return r.answers.map((a) => ({ ...a, member_id: r.member_id, answered_at: r.answered_at, signed: r.signed }));
}

/**
 * Answering ballots: answers signed with the device key where the browser
 * can, kept in IndexedDB until delivered, and sent again by themselves when
 * the network returns.
 */
class Answering {
	/** Answers of the signed-in member still waiting for the network. */
	waiting = $state.raw<OutboxEntry[]>([]);
	/** Answers the server refused after they had waited (shown once). */
	refused = $state.raw<{ ballotId: number; error: unknown }[]>([]);
	#memberId: number | null = null;
	#canSend: () => boolean = () => true;
	#stop: (() => void) | null = null;
	/** Keys being fetched or registered, per member, so that concurrent callers share one registration. */
	readonly #preparing = new Map<number, Promise<DeviceKey | null>>();

	/**
	 * Follows the network for the signed-in member; returns a function that
	 * stops. canSend says whether answers may go (not before a sign-in kept
	 * on the device has been confirmed by the server: no CSRF token yet).
	 */
	start(memberId: number, canSend: () => boolean = () => true): () => void {
		this.#memberId = memberId;
		this.#canSend = canSend;
		const flush = () => void this.flush();
		addEventListener('online', flush);
		const timer = setInterval(() => {
			if (this.waiting.length > 0) flush();
		}, 30_000);
		this.#stop = () => {
			removeEventListener('online', flush);
			clearInterval(timer);
		};
		flush();
		return () => this.stop();
	}

	/** The member's answer to a ballot that waits for the network, if any. */
	waitingFor(ballotId: number): OutboxEntry | undefined {
		return this.waiting.findLast((e) => e.ballotId === ballotId);
	}

	stop(): void {
		this.#stop?.();
		this.#stop = null;
		this.#memberId = null;
		this.waiting = [];
		this.refused = [];
	}

	/** Registers this device's key ahead of time, so that answers given offline are signed too. */
	prepareKey(memberId: number): Promise<DeviceKey | null> {
		let pending = this.#preparing.get(memberId);
		if (!pending) {
			pending = ensureDeviceKey(keys, memberId, (algorithm, spki) => registerDevice(deviceName(), algorithm, spki)).finally(() =>
				this.#preparing.delete(memberId)
			);
			this.#preparing.set(memberId, pending);
		}
		return pending;
	}

	/** Signs and sends (or keeps) the member's answers to a ballot. */
	async submit(ballot: Ballot, memberId: number, items: AnswerItem[]): Promise<SubmitResult> {
		const answers = items.map((a) => ({ ...a, comment: a.comment.trim() }));
		const key = await this.prepareKey(memberId);
		const input = key
			? { answers, device_id: key.deviceId, signature: await signText(key, await signedAnswerMessage(ballot.id, memberId, answers)) }
			: { answers };
		const entry: OutboxEntry = { key: newIdempotencyKey(), ballotId: ballot.id, memberId, input, queuedAt: new Date().toISOString(), title: ballot.title };
		const result = await outbox.submit(entry);
		if (result.status === 'sent') bodyFeed.putBallot({ ...ballot, mine: mineFromReceipt(result.receipt) });
		await this.#refreshWaiting();
		return result;
	}

	/** Sends what waits; each ballot answered is read again so that the lists show it. */
	async flush(): Promise<void> {
		const member = this.#memberId;
		if (member === null) return;
		if (!this.#canSend()) {
			await this.#refreshWaiting();
			return;
		}
		const { sent, refused } = await outbox.flush(member);
		if (refused.length > 0) this.refused = [...this.refused, ...refused.map((r) => ({ ballotId: r.entry.ballotId, error: r.error }))];
		await this.#refreshWaiting();
		for (const r of sent) {
			try {
				bodyFeed.putBallot(await getBallot(r.ballot_id));
			} catch {
				// The lists catch up with the next event.
			}
		}
	}

	dismissRefused(ballotId: number): void {
		this.refused = this.refused.filter((r) => r.ballotId !== ballotId);
	}

	async #refreshWaiting(): Promise<void> {
		const member = this.#memberId;
		this.waiting = member === null ? [] : await outbox.pending(member);
	}
}

export const answering = new Answering();
