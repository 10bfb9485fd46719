import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { ApiError } from '$lib/api/error';
import type { AnswerReceipt } from '$lib/api/types';
import { OUTBOX_STORE, openDatabase, RecordStore } from '$lib/storage/idb';
import { Outbox, type OutboxEntry } from './outbox';

const entry = (key: string, memberId = 5, queuedAt = '2026-11-22T01:00:00Z'): OutboxEntry => ({
	key,
	ballotId: 1,
	memberId,
	input: { answers: [{ question_id: 1, choice: 'agree', comment: '' }] },
	queuedAt
});
const receipt = (e: OutboxEntry): AnswerReceipt => ({
	ballot_id: e.ballotId,
	member_id: e.memberId,
	answers: e.input.answers,
	answered_at: '2026-11-22T01:00:01Z',
	signed: false,
	paper: false
});

function setup() {
	const factory = new IDBFactory();
	const store = new RecordStore<OutboxEntry>(() => openDatabase(factory), OUTBOX_STORE);
	let online = true;
	const sentKeys: string[] = [];
	const outbox = new Outbox(store, async (e) => {
		if (!online) throw ApiError.client('network');
		sentKeys.push(e.key);
		if (e.input.answers[0].choice === 'other') throw new ApiError(400, { code: 'invalid', message: 'Cần nêu ý kiến.' });
		return receipt(e);
	});
	return { store, outbox, sentKeys, setOnline: (v: boolean) => (online = v) };
}

describe('Outbox', () => {
	it('sends at once when online and keeps nothing', async () => {
		const { outbox, store, sentKeys } = setup();
		expect(await outbox.submit(entry('k1'))).toMatchObject({ status: 'sent' });
		expect(sentKeys).toEqual(['k1']);
		expect(await store.all()).toEqual([]);
	});

	it('keeps an answer given offline in IndexedDB and delivers it once, with its key, when online', async () => {
		const { outbox, store, sentKeys, setOnline } = setup();
		setOnline(false);
		expect(await outbox.submit(entry('k1'))).toEqual({ status: 'queued' });
		expect((await store.all()).map((e) => e.key)).toEqual(['k1']);
		expect((await outbox.flush(5)).sent).toEqual([]); // still offline
		setOnline(true);
		const { sent } = await outbox.flush(5);
		expect(sent).toHaveLength(1);
		expect(sentKeys).toEqual(['k1']);
		expect(await outbox.flush(5)).toEqual({ sent: [], refused: [] });
		expect(sentKeys).toEqual(['k1']);
	});

	it('sends only the signed-in member’s answers, oldest first', async () => {
		const { outbox, sentKeys, setOnline } = setup();
		setOnline(false);
		await outbox.submit(entry('b', 5, '2026-11-22T02:00:00Z'));
		await outbox.submit(entry('a', 5, '2026-11-22T01:00:00Z'));
		await outbox.submit(entry('other-member', 6));
		setOnline(true);
		await outbox.flush(5);
		expect(sentKeys).toEqual(['a', 'b']);
		expect((await outbox.pending(6)).map((e) => e.key)).toEqual(['other-member']);
	});

	it('drops an answer the server refuses and reports why', async () => {
		const { outbox, store, setOnline } = setup();
		const bad = entry('k1');
		bad.input.answers[0].choice = 'other';
		await expect(outbox.submit(bad)).rejects.toMatchObject({ code: 'invalid' });
		expect(await store.all()).toEqual([]);
		setOnline(false);
		await outbox.submit({ ...bad, key: 'k2' });
		setOnline(true);
		const { refused } = await outbox.flush(5);
		expect(refused.map((r) => r.entry.key)).toEqual(['k2']);
		expect(await store.all()).toEqual([]);
	});
});
