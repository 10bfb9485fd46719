// Helpers for the real-time client's tests: a `ws` socket adapter, a
// controllable environment, and a scope recorder.
import { WebSocket } from 'ws';
import type { EventFrame, Position } from '../protocol';
import type { EnvironmentHooks, RealtimeEnvironment, ScopeHandlers, SocketHandlers, SocketLike } from '../client';

export function openWsSocket(url: string, h: SocketHandlers): SocketLike {
	const ws = new WebSocket(url);
	ws.on('message', (data) => h.message(data.toString()));
	ws.on('close', (code, reason) => h.close(code, reason.toString()));
	ws.on('error', () => {}); // a close event follows
	return ws;
}

/** An environment whose network and wake-ups the test drives. */
export class TestEnvironment implements RealtimeEnvironment {
	online = true;
	#hooks: EnvironmentHooks | null = null;

	isOnline(): boolean {
		return this.online;
	}

	watch(hooks: EnvironmentHooks): () => void {
		this.#hooks = hooks;
		return () => {
			this.#hooks = null;
		};
	}

	goOffline(): void {
		this.online = false;
		this.#hooks?.offline();
	}

	goOnline(): void {
		this.online = true;
		this.#hooks?.online();
	}

	wake(): void {
		this.#hooks?.wake();
	}
}

/** Applies a scope's snapshots and events the way an app would, and records them. */
export class ScopeRecorder implements ScopeHandlers {
	/** The state: the data of every event, in order (a snapshot replaces it). */
	items: unknown[] = [];
	readonly seqs: number[] = [];
	snapshots = 0;
	lastPosition: Position | null = null;
	readonly errors: string[] = [];

	snapshot(data: unknown, position: Position): void {
		this.snapshots++;
		this.lastPosition = position;
		this.items = [...(data as { events: unknown[] }).events];
	}

	event(frame: EventFrame): void {
		this.seqs.push(frame.seq);
		this.items.push(frame.data);
	}

	error(frame: { code: string }): void {
		this.errors.push(frame.code);
	}
}

/** Resolves when cond() holds; fails after timeoutMs. */
export async function waitFor(cond: () => boolean, timeoutMs = 3_000): Promise<void> {
	const start = Date.now();
	while (!cond()) {
		if (Date.now() - start > timeoutMs) throw new Error('waitFor: timed out');
		await new Promise((r) => setTimeout(r, 5));
	}
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
