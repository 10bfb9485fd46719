import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '$lib/api/error';
import type { MeetingState } from '$lib/api/types';
import type { RealtimeClient, ScopeHandlers } from '$lib/realtime/client';
import type { Position } from '$lib/realtime/protocol';
import { LiveMeeting } from './live-meeting.svelte';

/** What GET …/state answers in the current test. */
let answer: () => Promise<MeetingState> = () => new Promise(() => {});
vi.mock('$lib/api/meetings', () => ({ getMeetingState: () => answer() }));

function fakeClient() {
	const subs: { scope: string; handlers: ScopeHandlers; from?: Position }[] = [];
	const unsubscribed: string[] = [];
	const client = {
		subscribe(scope: string, handlers: ScopeHandlers, from?: Position) {
			subs.push({ scope, handlers, from });
			return () => unsubscribed.push(scope);
		}
	} as unknown as RealtimeClient;
	return { client, subs, unsubscribed };
}

const state = (seq: number, active: number): MeetingState =>
	({
		meeting: { id: 4, status: 'live' },
		agenda: [{ id: active, status: 'active' }],
		attendance: [],
		quorum: { present: 0, total: 0, required: 0, reached: false },
		speakers: [],
		documents: [],
		votes: [],
		epoch: 'e1',
		seq
	}) as unknown as MeetingState;

const flush = () => new Promise((r) => setTimeout(r, 0));

describe('LiveMeeting', () => {
	it('loads the state, then follows the scope from its position', async () => {
		answer = async () => state(41, 10);
		const { client, subs, unsubscribed } = fakeClient();
		const m = new LiveMeeting(4);
		const stop = m.start(client);
		await flush();
		expect(subs).toHaveLength(1);
		expect(subs[0]).toMatchObject({ scope: 'meeting:4', from: { epoch: 'e1', seq: 41 } });
		subs[0].handlers.event({ prev: 41, type: 'event', scope: 'meeting:4', epoch: 'e1', seq: 42, event: 'agenda.updated', at: '', data: { agenda: [{ id: 11, status: 'active' }] } });
		expect(m.state?.agenda[0].id).toBe(11);
		subs[0].handlers.snapshot(state(90, 12), { epoch: 'e2', seq: 90 });
		expect(m.state?.agenda[0].id).toBe(12);
		stop();
		expect(unsubscribed).toEqual(['meeting:4']);
	});

	it('without network first, starts from a snapshot when the connection returns', async () => {
		answer = async () => {
			throw ApiError.client('network');
		};
		const { client, subs } = fakeClient();
		const m = new LiveMeeting(4);
		m.start(client);
		await flush();
		expect(subs[0].from).toBeUndefined();
		expect(m.state).toBeNull();
		expect(m.failure).toBeNull();
		subs[0].handlers.snapshot(state(5, 10), { epoch: 'e1', seq: 5 });
		expect(m.state?.seq).toBe(5);
	});

	it('reports a session that is not there, without following it', async () => {
		answer = async () => {
			throw new ApiError(404, { code: 'not_found', message: 'Không tìm thấy.' });
		};
		const { client, subs } = fakeClient();
		const m = new LiveMeeting(4);
		m.start(client);
		await flush();
		expect(subs).toHaveLength(0);
		expect(m.failure).toMatchObject({ code: 'not_found' });
	});
});
