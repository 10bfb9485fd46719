import { flushSync } from 'svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RealtimeClient, ScopeHandlers } from '$lib/realtime/client';
import { bodyFeed } from '$lib/body/feed.svelte';
import { loader, type Loader, type LoaderOptions } from './loader.svelte';

/** A fetch whose calls are answered by hand. */
function manual<T>() {
	const calls: { arg: unknown; signal: AbortSignal; resolve: (v: T) => void; reject: (e: unknown) => void }[] = [];
	const fetch = (arg: unknown, signal: AbortSignal) =>
		new Promise<T>((resolve, reject) => {
			calls.push({ arg, signal, resolve, reject });
		});
	return { calls, fetch };
}

const settle = () => new Promise((r) => setTimeout(r, 0));

let cleanup: (() => void) | null = null;
afterEach(() => {
	cleanup?.();
	cleanup = null;
	bodyFeed.stop();
	vi.useRealTimers();
});

function mount<T>(make: () => Loader<T>): Loader<T> {
	let l: Loader<T> | undefined;
	cleanup = $effect.root(() => {
		l = make();
	});
	flushSync();
	return l!;
}

describe('loader', () => {
	it('loads, aborts the request before when what it reads changes, and ignores the aborted answer', async () => {
		const { calls, fetch } = manual<string>();
		const id = $state({ v: 1 });
		const l = mount(() => loader((signal) => fetch(id.v, signal)));
		expect(calls.map((c) => c.arg)).toEqual([1]);
		expect(l.value).toBeNull();

		id.v = 2;
		flushSync();
		expect(calls.map((c) => c.arg)).toEqual([1, 2]);
		expect(calls[0].signal.aborted).toBe(true);
		calls[0].resolve('one');
		calls[1].resolve('two');
		await settle();
		expect(l.value).toBe('two');
	});

	it('keeps a failure until it loads again, and reload() tries again', async () => {
		const { calls, fetch } = manual<string>();
		const l = mount(() => loader((signal) => fetch(null, signal)));
		calls[0].reject(new Error('down'));
		await settle();
		expect((l.failure as Error).message).toBe('down');

		l.reload();
		flushSync();
		expect(l.failure).toBeNull();
		calls[1].resolve('up');
		await settle();
		expect(l.value).toBe('up');
	});

	it('asks nothing while fetch answers undefined, and forgets the value on each load with clear', async () => {
		const { calls, fetch } = manual<string>();
		const ready = $state({ v: false, n: 0 });
		const l = mount(() => loader((signal) => (ready.v ? fetch(ready.n, signal) : undefined), { clear: true }));
		expect(calls).toHaveLength(0);
		ready.v = true;
		flushSync();
		calls[0].resolve('first');
		await settle();
		expect(l.value).toBe('first');
		ready.n = 1;
		flushSync();
		expect(l.value).toBeNull();
	});

	it('stops when its owner goes: the last request is aborted', () => {
		const { calls, fetch } = manual<string>();
		mount(() => loader((signal) => fetch(null, signal)));
		cleanup!();
		cleanup = null;
		expect(calls[0].signal.aborted).toBe(true);
	});

	it('loads again on the events it picks, once per burst with wait', async () => {
		vi.useFakeTimers();
		let handlers: ScopeHandlers | undefined;
		bodyFeed.start({ subscribe: (_: string, h: ScopeHandlers) => ((handlers = h), () => {}) } as unknown as RealtimeClient, 3);
		let seq = 0;
		const send = (event: string) =>
			handlers!.event({ prev: seq, type: 'event', scope: 'body:3', epoch: 'e', seq: ++seq, event, at: '', data: {} } as Parameters<ScopeHandlers['event']>[0]);
		const { calls, fetch } = manual<string>();
		const options: LoaderOptions = { reloadOn: (event) => event === 'task.updated', wait: 1000 };
		mount(() => loader((signal) => fetch(null, signal), options));
		expect(calls).toHaveLength(1);

		send('task.updated');
		send('ledger.updated');
		send('task.updated');
		flushSync();
		expect(calls).toHaveLength(1);
		vi.advanceTimersByTime(1000);
		flushSync();
		expect(calls).toHaveLength(2);
		vi.advanceTimersByTime(5000);
		flushSync();
		expect(calls).toHaveLength(2);
	});
});
