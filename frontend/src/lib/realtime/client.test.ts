import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RealtimeClient, type ConnectionState, type Problem, type RealtimeOptions } from './client';
import { ProtocolServer } from './testing/protocol-server';
import { openWsSocket, ScopeRecorder, sleep, TestEnvironment, waitFor } from './testing/harness';

const SCOPE = 'meeting:12';

let server: ProtocolServer;
let env: TestEnvironment;
let client: RealtimeClient;
let states: ConnectionState[];
let signInEnded: number;
let problems: Problem[];
let signedIn: boolean | null;

function newClient(overrides: Partial<RealtimeOptions> = {}): RealtimeClient {
	const c = new RealtimeClient({
		url: server.url,
		openSocket: openWsSocket,
		env,
		onSignInEnded: () => signInEnded++,
		isSignedIn: async () => signedIn,
		onProblem: (p) => problems.push(p),
		backoffBaseMs: 20,
		backoffMaxMs: 100,
		connectTimeoutMs: 1_000,
		pongTimeoutMs: 100,
		random: () => 0.5,
		...overrides
	});
	c.onState((s) => states.push(s));
	return c;
}

beforeEach(async () => {
	server = await ProtocolServer.start();
	env = new TestEnvironment();
	states = [];
	signInEnded = 0;
	problems = [];
	signedIn = true;
	client = newClient();
});

afterEach(async () => {
	client.stop();
	await server.stop();
});

const connected = () => waitFor(() => client.state === 'connected');

describe('RealtimeClient', () => {
	it('connects, gets a snapshot for a scope without position, then live events', async () => {
		server.publish(SCOPE, 'agenda.updated', 'a');
		server.publish(SCOPE, 'agenda.updated', 'b');
		const rec = new ScopeRecorder();
		client.subscribe(SCOPE, rec);
		client.start();
		await waitFor(() => rec.snapshots === 1);
		expect(states).toEqual(['connecting', 'connected']);
		expect(server.frames('subscribe')[0]).toEqual({ type: 'subscribe', ref: expect.any(String), scope: SCOPE });
		expect(rec.items).toEqual(['a', 'b']);
		expect(rec.lastPosition).toEqual({ epoch: 'epoch-1', seq: 2 });

		server.publish(SCOPE, 'agenda.updated', 'c');
		await waitFor(() => rec.items.length === 3);
		expect(rec.items).toEqual(['a', 'b', 'c']);
		expect(client.position(SCOPE)).toEqual({ epoch: 'epoch-1', seq: 3 });
	});

	it('subscribes from a known position and gets a replay of what it missed', async () => {
		for (const x of ['a', 'b', 'c', 'd']) server.publish(SCOPE, 'agenda.updated', x);
		const rec = new ScopeRecorder();
		client.subscribe(SCOPE, rec, { epoch: 'epoch-1', seq: 2 });
		client.start();
		await waitFor(() => rec.items.length === 2);
		expect(server.frames('subscribe')[0]).toMatchObject({ scope: SCOPE, epoch: 'epoch-1', last_seq: 2 });
		expect(rec.snapshots).toBe(0);
		expect(rec.items).toEqual(['c', 'd']);
		expect(rec.seqs).toEqual([3, 4]);
	});

	it('drops duplicate events', async () => {
		const rec = new ScopeRecorder();
		client.subscribe(SCOPE, rec);
		client.start();
		await waitFor(() => rec.snapshots === 1);
		const s1 = server.publish(SCOPE, 'agenda.updated', 'a');
		server.resend(SCOPE, s1);
		const s2 = server.publish(SCOPE, 'agenda.updated', 'b');
		server.resend(SCOPE, s1);
		server.resend(SCOPE, s2);
		server.publish(SCOPE, 'agenda.updated', 'c');
		await waitFor(() => rec.items.includes('c'));
		await sleep(30);
		expect(rec.items).toEqual(['a', 'b', 'c']);
		expect(rec.seqs).toEqual([1, 2, 3]);
	});

	it('reconnects after a network loss and resumes from its position', async () => {
		const rec = new ScopeRecorder();
		client.subscribe(SCOPE, rec);
		client.start();
		await waitFor(() => rec.snapshots === 1);
		server.publish(SCOPE, 'agenda.updated', 'a');
		await waitFor(() => rec.items.length === 1);

		server.dropAll();
		server.publish(SCOPE, 'agenda.updated', 'b'); // missed while away
		server.publish(SCOPE, 'agenda.updated', 'c');
		await waitFor(() => rec.items.length === 3);

		expect(server.connections).toBe(2);
		expect(states).toEqual(['connecting', 'connected', 'reconnecting', 'connected']);
		expect(server.frames('subscribe')[1]).toMatchObject({ scope: SCOPE, epoch: 'epoch-1', last_seq: 1 });
		expect(rec.snapshots).toBe(1);
		expect(rec.items).toEqual(['a', 'b', 'c']);
	});

	it('takes a snapshot when the epoch changed while it was away', async () => {
		const rec = new ScopeRecorder();
		client.subscribe(SCOPE, rec);
		client.start();
		server.publish(SCOPE, 'agenda.updated', 'a');
		await waitFor(() => rec.items.length === 1);
		server.dropAll();
		server.resetEpoch(SCOPE, 'epoch-2');
		await waitFor(() => rec.snapshots === 2);
		expect(server.frames('subscribe')[1]).toMatchObject({ epoch: 'epoch-1', last_seq: 1 });
		expect(client.position(SCOPE)).toEqual({ epoch: 'epoch-2', seq: 1 });
	});

	it('subscribes again when a live event comes from another epoch', async () => {
		const rec = new ScopeRecorder();
		client.subscribe(SCOPE, rec);
		client.start();
		await waitFor(() => rec.snapshots === 1);
		server.resetEpoch(SCOPE, 'epoch-2');
		server.publish(SCOPE, 'agenda.updated', 'a');
		await waitFor(() => rec.snapshots === 2);
		expect(rec.items).toEqual(['a']);
		expect(client.position(SCOPE)).toEqual({ epoch: 'epoch-2', seq: 1 });
	});

	it('accepts holes left by filtering without losing or repeating anything', async () => {
		const rec = new ScopeRecorder();
		client.subscribe(SCOPE, rec);
		client.start();
		await waitFor(() => rec.snapshots === 1);
		server.publish(SCOPE, 'document.updated', 'a');
		server.publish(SCOPE, 'document.updated', 'secret', { visible: false });
		server.publish(SCOPE, 'document.updated', 'b');
		server.publish(SCOPE, 'document.updated', 'c');
		await waitFor(() => rec.items.includes('c'));
		await sleep(30);
		expect(rec.items).toEqual(['a', 'b', 'c']);
		expect(rec.seqs).toEqual([1, 3, 4]);
		expect(server.frames('subscribe')).toHaveLength(1); // a hole is not a gap to repair

		// After a reconnect, the hole does not come back either.
		server.dropAll();
		server.publish(SCOPE, 'document.updated', 'secret 2', { visible: false });
		server.publish(SCOPE, 'document.updated', 'd');
		await waitFor(() => rec.items.includes('d'));
		expect(rec.items).toEqual(['a', 'b', 'c', 'd']);
		expect(server.frames('subscribe')[1]).toMatchObject({ last_seq: 4 });
	});

	it('resumes from the last contiguous event when the server skipped one', async () => {
		const rec = new ScopeRecorder();
		client.subscribe(SCOPE, rec);
		client.start();
		await waitFor(() => rec.snapshots === 1);
		server.publish(SCOPE, 'agenda.updated', 'a');
		server.publish(SCOPE, 'agenda.updated', 'b', { lost: true });
		server.publish(SCOPE, 'agenda.updated', 'c'); // prev names b, which never came
		await waitFor(() => rec.items.includes('c'));
		await sleep(30);
		expect(rec.items).toEqual(['a', 'b', 'c']);
		expect(rec.seqs).toEqual([1, 2, 3]);
		expect(server.frames('subscribe')).toHaveLength(2);
		expect(server.frames('subscribe')[1]).toMatchObject({ last_seq: 1 });
		expect(server.connections).toBe(1); // resumed in place, on the same connection
	});

	it('asks for the snapshot again when the connection drops before it arrives', async () => {
		server.publish(SCOPE, 'agenda.updated', 'a');
		server.withholdSnapshots = true;
		const rec = new ScopeRecorder();
		client.subscribe(SCOPE, rec);
		client.start();
		await waitFor(() => server.frames('subscribe').length === 1);
		await sleep(30);
		server.withholdSnapshots = false;
		server.dropAll();
		await waitFor(() => rec.snapshots === 1);
		expect(server.frames('subscribe')[1]).toEqual({ type: 'subscribe', ref: expect.any(String), scope: SCOPE });
		expect(rec.items).toEqual(['a']);
	});

	it('waits retry_ms (with jitter, never less) after a 1001 close', async () => {
		client = newClient({ backoffBaseMs: 10_000, backoffMaxMs: 10_000 });
		client.start();
		await connected();
		const closedAt = Date.now();
		server.closeAll(1001, 'retry_ms=200');
		await waitFor(() => server.connections === 2);
		const waited = Date.now() - closedAt;
		expect(waited).toBeGreaterThanOrEqual(200);
		expect(waited).toBeLessThan(1_500);
		await connected();
	});

	it('reconnects at once and resumes after a 4000 close', async () => {
		client = newClient({ backoffBaseMs: 10_000, backoffMaxMs: 10_000 });
		const rec = new ScopeRecorder();
		client.subscribe(SCOPE, rec);
		client.start();
		await waitFor(() => rec.snapshots === 1);
		server.publish(SCOPE, 'agenda.updated', 'a');
		await waitFor(() => rec.items.length === 1);
		const closedAt = Date.now();
		server.closeAll(4000, 'fell behind');
		server.publish(SCOPE, 'agenda.updated', 'b');
		await waitFor(() => rec.items.length === 2);
		expect(Date.now() - closedAt).toBeLessThan(1_000);
		expect(server.frames('subscribe')[1]).toMatchObject({ last_seq: 1 });
		expect(rec.items).toEqual(['a', 'b']);
	});

	it('reports the end of the sign-in on 4401 and does not reconnect', async () => {
		client.start();
		await connected();
		server.closeAll(4401, 'signed out');
		await waitFor(() => signInEnded === 1);
		await sleep(100);
		expect(client.state).toBe('closed');
		expect(server.connections).toBe(1);
	});

	it('does nothing more after a normal close', async () => {
		client.start();
		await connected();
		server.closeAll(1000);
		await waitFor(() => client.state === 'closed');
		env.wake();
		await sleep(100);
		expect(server.connections).toBe(1);
		expect(signInEnded).toBe(0);
	});

	it('reports a close for a frame too large (1009) as a problem and stops', async () => {
		client.start();
		await connected();
		server.closeAll(1009, 'frame too large');
		await waitFor(() => client.state === 'closed');
		expect(problems).toEqual([{ kind: 'policy', message: 'frame too large' }]);
		await sleep(100);
		expect(server.connections).toBe(1);
	});

	it('asks whether the sign-in ended when the upgrade is refused', async () => {
		server.refuseWith = 401;
		signedIn = false;
		client.start();
		await waitFor(() => signInEnded === 1);
		expect(client.state).toBe('closed');
	});

	it('keeps retrying with backoff while refused but still signed in', async () => {
		server.refuseWith = 503;
		client.start();
		await sleep(150);
		expect(client.state).toBe('reconnecting');
		expect(signInEnded).toBe(0);
		server.refuseWith = null;
		await connected();
	});

	it('waits while offline and reconnects at once when the network returns', async () => {
		client = newClient({ backoffBaseMs: 10_000, backoffMaxMs: 10_000 });
		const rec = new ScopeRecorder();
		client.subscribe(SCOPE, rec);
		client.start();
		await waitFor(() => rec.snapshots === 1);
		env.goOffline();
		expect(client.state).toBe('offline');
		server.publish(SCOPE, 'agenda.updated', 'a');
		await sleep(100);
		expect(rec.items).toEqual([]);
		env.goOnline();
		await waitFor(() => rec.items.length === 1);
		expect(server.connections).toBe(2);
		expect(states).toEqual(['connecting', 'connected', 'offline', 'reconnecting', 'connected']);
	});

	it('starts offline without trying to connect', async () => {
		env.online = false;
		client.start();
		await sleep(50);
		expect(client.state).toBe('offline');
		expect(server.connections).toBe(0);
	});

	it('replaces a connection that died in sleep (no answer to the ping on wake)', async () => {
		client = newClient({ backoffBaseMs: 10_000, backoffMaxMs: 10_000 });
		client.start();
		await connected();
		server.mute = true;
		env.wake();
		await waitFor(() => server.frames('ping').length === 1);
		server.mute = false;
		await waitFor(() => server.connections === 2);
		await connected();
	});

	it('keeps a connection that answers the ping on wake', async () => {
		client.start();
		await connected();
		env.wake();
		await waitFor(() => server.frames('ping').length === 1);
		await sleep(200);
		expect(server.connections).toBe(1);
		expect(client.state).toBe('connected');
	});

	it('pings when the server has been silent for a heartbeat', async () => {
		server.heartbeatMs = 50;
		client.start();
		await connected();
		await waitFor(() => server.frames('ping').length >= 2);
		expect(client.state).toBe('connected');
	});

	it('closes on a protocol version it does not speak', async () => {
		server.version = 2;
		client.start();
		await waitFor(() => client.state === 'closed');
		expect(problems[0]).toMatchObject({ kind: 'version' });
		await sleep(100);
		expect(server.connections).toBe(1);
	});

	it('drops a subscription the server refuses and tells its handler', async () => {
		server.forbidden.add('meeting:99');
		const rec = new ScopeRecorder();
		client.subscribe('meeting:99', rec);
		client.start();
		await waitFor(() => rec.errors.length === 1);
		expect(rec.errors).toEqual(['forbidden']);
		expect(client.position('meeting:99')).toBeNull();
		// It is not asked for again on the next connection.
		server.dropAll();
		await waitFor(() => server.connections === 2);
		await connected();
		expect(server.frames('subscribe')).toHaveLength(1);
	});

	it('unsubscribes and stops delivering', async () => {
		const rec = new ScopeRecorder();
		const unsubscribe = client.subscribe(SCOPE, rec);
		client.start();
		await waitFor(() => rec.snapshots === 1);
		unsubscribe();
		await waitFor(() => server.frames('unsubscribe').length === 1);
		server.publish(SCOPE, 'agenda.updated', 'a');
		await sleep(50);
		expect(rec.items).toEqual([]);
	});

	it('stop() closes the connection and forgets subscriptions', async () => {
		client.subscribe(SCOPE, new ScopeRecorder());
		client.start();
		await connected();
		client.stop();
		expect(client.state).toBe('idle');
		expect(client.position(SCOPE)).toBeNull();
		await waitFor(() => server.peers.size === 0);
		await sleep(100);
		expect(server.connections).toBe(1);
	});
});
