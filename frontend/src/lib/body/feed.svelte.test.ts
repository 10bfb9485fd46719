import { describe, expect, it, vi } from 'vitest';
import type { RealtimeClient, ScopeHandlers } from '$lib/realtime/client';
import { bodyFeed } from './feed.svelte';

let meetings: unknown[] = [];
vi.mock('$lib/api/meetings', () => ({ listMeetings: async () => meetings }));
vi.mock('$lib/api/ballots', () => ({ listBallots: async () => [] }));

describe('bodyFeed', () => {
	it('fills the lists over HTTP while the stream is late, then follows the stream', async () => {
		let handlers: ScopeHandlers | undefined;
		const client = {
			subscribe: (scope: string, h: ScopeHandlers) => {
				expect(scope).toBe('body:3');
				handlers = h;
				return () => {};
			}
		} as unknown as RealtimeClient;
		bodyFeed.start(client, 3);
		meetings = [{ id: 1, scheduled_start: '2026-11-25T01:00:00Z', status: 'published' }];
		await bodyFeed.load();
		expect(bodyFeed.ready).toBe(true);
		expect(bodyFeed.meetings.map((m) => m.id)).toEqual([1]);

		handlers!.snapshot(
			{ meetings: [{ id: 2, scheduled_start: '2026-11-26T01:00:00Z', status: 'published' }], ballots: [], epoch: 'e', seq: 4 },
			{ epoch: 'e', seq: 4 }
		);
		expect(bodyFeed.meetings.map((m) => m.id)).toEqual([2]);
		meetings = [];
		await bodyFeed.load();
		expect(bodyFeed.meetings.map((m) => m.id)).toEqual([2]);
		bodyFeed.stop();
		expect(bodyFeed.ready).toBe(false);
	});

	it('passes every event to the screens that listen, until they stop', () => {
		let handlers: ScopeHandlers | undefined;
		const client = { subscribe: (_: string, h: ScopeHandlers) => ((handlers = h), () => {}) } as unknown as RealtimeClient;
		bodyFeed.start(client, 3);
		const heard: string[] = [];
		const stop = bodyFeed.listen((event) => heard.push(event));
		const frame = (seq: number, event: string, data: unknown) =>
			({ prev: seq - 1, type: 'event', scope: 'body:3', epoch: 'e', seq, event, at: '', data }) as Parameters<ScopeHandlers['event']>[0];
		handlers!.event(frame(5, 'ledger.updated', { ledger: { kind: 'meeting', id: 1 } }));
		handlers!.event(frame(6, 'task.reminder', { notification: { id: 7, subject: 'Nhắc', ref: 'task:2' } }));
		stop();
		handlers!.event(frame(7, 'task.updated', { task: { id: 2 } }));
		expect(heard).toEqual(['ledger.updated', 'task.reminder']);
		expect(bodyFeed.reminders.map((n) => n.ref)).toEqual(['task:2']);
		bodyFeed.stop();
	});
});
