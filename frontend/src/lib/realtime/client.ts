// The real-time client: one state machine (connecting, resuming, gaps,
// subscriptions, backoff) whose parts change together, hence one file of
// over 500 lines; the wire format is protocol.ts.
import {
	CloseCode,
	PROTOCOL_VERSION,
	parseFrame,
	retryAfterMs,
	type ClientFrame,
	type ErrorFrame,
	type EventFrame,
	type HelloFrame,
	type Position,
	type SnapshotFrame,
	type SubscribedFrame
} from './protocol';

/**
 * idle: not started (signed out); connecting: first attempt; connected: the
 * server said hello; reconnecting: waiting for or making another attempt;
 * offline: the device has no network; closed: the server ended the
 * connection for good (normal close, policy, protocol version, sign-in ended).
 */
export type ConnectionState = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'offline' | 'closed';

/** What a socket reports to the client. */
export interface SocketHandlers {
	message(data: unknown): void;
	close(code: number, reason: string): void;
}

/** The part of a WebSocket the client uses. */
export interface SocketLike {
	send(data: string): void;
	close(code?: number, reason?: string): void;
}

/** Network and wake-up notices (the browser's online/offline/visibility events). */
export interface EnvironmentHooks {
	online(): void;
	offline(): void;
	/** The app is visible again (the tablet woke up, the tab came back). */
	wake(): void;
}

export interface RealtimeEnvironment {
	isOnline(): boolean;
	/** Starts reporting to hooks; returns a function that stops it. */
	watch(hooks: EnvironmentHooks): () => void;
}

/** Something the app should log: the server or the client broke the protocol. */
export interface Problem {
	kind: 'version' | 'policy' | 'error';
	code?: string;
	message: string;
}

export interface ScopeHandlers {
	/** The whole state of the scope at position (replaces what the app holds). */
	snapshot(data: unknown, position: Position): void;
	/** One change, in order, never twice. */
	event(frame: EventFrame): void;
	/** The server refused the subscription (not_found, forbidden…); it is dropped. */
	error?(frame: ErrorFrame): void;
}

export interface RealtimeOptions {
	/** Absolute ws:// or wss:// address of /api/v1/ws. */
	url: string;
	openSocket(url: string, handlers: SocketHandlers): SocketLike;
	env: RealtimeEnvironment;
	/** Close code 4401, or a refused connection while the sign-in has ended. */
	onSignInEnded(): void;
	/**
	 * Asked after a connection failed before hello (the browser hides a 401
	 * upgrade answer): true, false, or null when it cannot tell.
	 */
	isSignedIn(): Promise<boolean | null>;
	onProblem?(problem: Problem): void;
	backoffBaseMs?: number;
	backoffMaxMs?: number;
	/** An attempt without hello after this long is abandoned. */
	connectTimeoutMs?: number;
	/** A ping without any frame back after this long means the connection is dead. */
	pongTimeoutMs?: number;
	random?: () => number;
}

interface Subscription {
	scope: string;
	handlers: ScopeHandlers;
	/**
	 * Position: the epoch, and the seq of the last frame received (event,
	 * snapshot, or subscribed in replay mode), whatever holes filtering left before it.
	 */
	epoch: string | null;
	seq: number;
	/** Ref of the subscribe waiting for its `subscribed`; events are ignored meanwhile. */
	ref: string | null;
	awaitingSnapshot: boolean;
}

/**
 * The client of the real-time protocol (backend/hub/PROTOCOL.md): one
 * WebSocket, per-scope positions, duplicate drop, resume on reconnect, and
 * reconnection with backoff after close codes, network loss and sleep.
 */
export class RealtimeClient {
	readonly #o: Required<Omit<RealtimeOptions, 'onProblem'>> & Pick<RealtimeOptions, 'onProblem'>;
	#state: ConnectionState = 'idle';
	readonly #listeners = new Set<(state: ConnectionState) => void>();
	readonly #subs = new Map<string, Subscription>();
	#socket: SocketLike | null = null;
	/** hello received on #socket. */
	#open = false;
	#started = false;
	#everConnected = false;
	#attempt = 0;
	#refs = 0;
	/** Invalidates pending sign-in checks. */
	#generation = 0;
	#heartbeatMs = 25_000;
	#lastFrameAt = 0;
	#unwatch: (() => void) | null = null;
	#retryTimer: ReturnType<typeof setTimeout> | null = null;
	#connectTimer: ReturnType<typeof setTimeout> | null = null;
	#heartbeatTimer: ReturnType<typeof setInterval> | null = null;
	#pongTimer: ReturnType<typeof setTimeout> | null = null;

	constructor(options: RealtimeOptions) {
		this.#o = {
			backoffBaseMs: 1_000,
			backoffMaxMs: 30_000,
			connectTimeoutMs: 15_000,
			pongTimeoutMs: 10_000,
			random: Math.random,
			...options
		};
	}

	get state(): ConnectionState {
		return this.#state;
	}

	/** Calls listener on every change of state; returns a function that stops it. */
	onState(listener: (state: ConnectionState) => void): () => void {
		this.#listeners.add(listener);
		return () => this.#listeners.delete(listener);
	}

	/** Connects, and keeps connecting until stop(). */
	start(): void {
		if (this.#started) return;
		this.#started = true;
		this.#unwatch = this.#o.env.watch({
			online: () => this.#onOnline(),
			offline: () => this.#onOffline(),
			wake: () => this.#onWake()
		});
		if (this.#o.env.isOnline()) this.#connect();
		else this.#setState('offline');
	}

	/** Disconnects and forgets every subscription (sign-out). */
	stop(): void {
		this.#started = false;
		this.#generation++;
		this.#unwatch?.();
		this.#unwatch = null;
		this.#dropSocket('stopped');
		this.#clearRetry();
		this.#subs.clear();
		this.#attempt = 0;
		this.#everConnected = false;
		this.#setState('idle');
	}

	/**
	 * Follows a scope such as "meeting:12". Without from, the server first
	 * sends a snapshot; with the position of state the app already holds
	 * (from a REST call), it replays what happened since. Returns a function
	 * that unsubscribes.
	 */
	subscribe(scope: string, handlers: ScopeHandlers, from?: Position): () => void {
		if (this.#subs.has(scope)) throw new Error(`realtime: already subscribed to ${scope}`);
		const sub: Subscription = {
			scope,
			handlers,
			epoch: from?.epoch ?? null,
			seq: from?.seq ?? 0,
			ref: null,
			awaitingSnapshot: false
		};
		this.#subs.set(scope, sub);
		if (this.#open) this.#sendSubscribe(sub);
		return () => this.#unsubscribe(sub);
	}

	/** The position the client would resume scope from. */
	position(scope: string): Position | null {
		const sub = this.#subs.get(scope);
		return sub?.epoch != null ? { epoch: sub.epoch, seq: sub.seq } : null;
	}

	#unsubscribe(sub: Subscription): void {
		if (this.#subs.get(sub.scope) !== sub) return;
		this.#subs.delete(sub.scope);
		if (this.#open) this.#send({ type: 'unsubscribe', ref: this.#ref(), scope: sub.scope });
	}

	// --- connection ------------------------------------------------------

	#connect(): void {
		this.#clearRetry();
		this.#dropSocket('replaced');
		this.#setState(this.#everConnected || this.#attempt > 0 ? 'reconnecting' : 'connecting');
		let socket: SocketLike | null = null;
		try {
			socket = this.#o.openSocket(this.#o.url, {
				message: (data) => {
					if (socket !== null && this.#socket === socket) this.#onMessage(data);
				},
				close: (code, reason) => {
					if (socket !== null && this.#socket === socket) this.#onClose(code, reason);
				}
			});
		} catch {
			this.#afterFailure(false);
			return;
		}
		this.#socket = socket;
		this.#connectTimer = setTimeout(() => {
			if (this.#socket === socket && !this.#open) {
				this.#dropSocket('no hello');
				this.#afterFailure(false);
			}
		}, this.#o.connectTimeoutMs);
	}

	#onClose(code: number, reason: string): void {
		const wasOpen = this.#open;
		this.#socket = null;
		this.#open = false;
		this.#clearSocketTimers();
		if (!this.#started) return;
		switch (code) {
			case CloseCode.Normal:
				this.#setState('closed');
				return;
			case CloseCode.Policy:
			case CloseCode.TooBig:
				this.#o.onProblem?.({ kind: 'policy', message: reason });
				this.#setState('closed');
				return;
			case CloseCode.SignInEnded:
				this.#setState('closed');
				this.#o.onSignInEnded();
				return;
			case CloseCode.FellBehind:
				this.#retryIn(0);
				return;
			case CloseCode.GoingAway: {
				const ms = retryAfterMs(reason);
				if (ms !== null) {
					// Not before the server asked; spread so that clients do not all come back at once.
					this.#retryIn(ms + Math.round(this.#o.random() * Math.max(ms / 2, 500)));
					return;
				}
				break;
			}
		}
		this.#afterFailure(wasOpen);
	}

	/** After a lost connection or a failed attempt: wait for the network, check the sign-in, back off. */
	#afterFailure(wasOpen: boolean): void {
		if (!this.#o.env.isOnline()) {
			this.#setState('offline');
			return;
		}
		if (wasOpen) {
			this.#retryIn(this.#backoff());
			return;
		}
		// Refused before hello: the browser hides the HTTP status, so ask
		// whether the sign-in ended before trying again.
		this.#setState('reconnecting');
		const generation = ++this.#generation;
		const retry = () => {
			if (generation === this.#generation && this.#started && !this.#socket) this.#retryIn(this.#backoff());
		};
		this.#o.isSignedIn().then((signedIn) => {
			if (signedIn === false && generation === this.#generation && this.#started) {
				this.#setState('closed');
				this.#o.onSignInEnded();
			} else retry();
		}, retry);
	}

	#backoff(): number {
		const ceiling = Math.min(this.#o.backoffMaxMs, this.#o.backoffBaseMs * 2 ** this.#attempt);
		this.#attempt++;
		return Math.round(ceiling / 2 + (this.#o.random() * ceiling) / 2);
	}

	#retryIn(ms: number): void {
		this.#clearRetry();
		this.#setState('reconnecting');
		this.#retryTimer = setTimeout(() => {
			this.#retryTimer = null;
			this.#connect();
		}, ms);
	}

	#onOnline(): void {
		if (!this.#started || this.#state === 'closed') return;
		if (this.#socket) {
			if (this.#open) this.#probe();
			return;
		}
		this.#attempt = 0;
		this.#connect();
	}

	#onOffline(): void {
		if (!this.#started || this.#state === 'closed') return;
		this.#generation++;
		this.#dropSocket('offline');
		this.#clearRetry();
		this.#setState('offline');
	}

	#onWake(): void {
		if (!this.#started || this.#state === 'closed') return;
		if (this.#socket) {
			// A connection that slept may be dead without a close event.
			if (this.#open) this.#probe();
			return;
		}
		if (this.#o.env.isOnline()) {
			this.#attempt = 0;
			this.#connect();
		}
	}

	/** Sends a ping; without any frame back in time the connection is replaced. */
	#probe(): void {
		if (this.#pongTimer !== null) return;
		this.#send({ type: 'ping', ref: this.#ref() });
		this.#pongTimer = setTimeout(() => {
			this.#pongTimer = null;
			this.#dropSocket('no pong');
			this.#retryIn(0);
		}, this.#o.pongTimeoutMs);
	}

	/** Closes the current socket without reacting to its close event. */
	#dropSocket(reason: string): void {
		const socket = this.#socket;
		this.#socket = null;
		this.#open = false;
		this.#clearSocketTimers();
		if (!socket) return;
		try {
			socket.close(CloseCode.Normal, reason);
		} catch {
			// Already closing.
		}
	}

	#clearSocketTimers(): void {
		if (this.#connectTimer !== null) clearTimeout(this.#connectTimer);
		if (this.#heartbeatTimer !== null) clearInterval(this.#heartbeatTimer);
		if (this.#pongTimer !== null) clearTimeout(this.#pongTimer);
		this.#connectTimer = this.#heartbeatTimer = this.#pongTimer = null;
	}

	#clearRetry(): void {
		if (this.#retryTimer !== null) clearTimeout(this.#retryTimer);
		this.#retryTimer = null;
	}

	#setState(state: ConnectionState): void {
		if (state === this.#state) return;
		this.#state = state;
		for (const listener of this.#listeners) listener(state);
	}

	#ref(): string {
		return `r${++this.#refs}`;
	}

	#send(frame: ClientFrame): void {
		if (!this.#socket || !this.#open) return;
		try {
			this.#socket.send(JSON.stringify(frame));
		} catch {
			// The socket is closing; its close event follows.
		}
	}

	// --- frames ----------------------------------------------------------

	#onMessage(data: unknown): void {
		this.#lastFrameAt = Date.now();
		if (this.#pongTimer !== null) {
			clearTimeout(this.#pongTimer);
			this.#pongTimer = null;
		}
		const frame = parseFrame(data);
		switch (frame?.type) {
			case 'hello':
				return this.#onHello(frame);
			case 'subscribed':
				return this.#onSubscribed(frame);
			case 'snapshot':
				return this.#onSnapshot(frame);
			case 'event':
				return this.#onEvent(frame);
			case 'error':
				return this.#onError(frame);
			// pong and unsubscribed only prove the connection is alive.
		}
	}

	#onHello(frame: HelloFrame): void {
		if (frame.v !== PROTOCOL_VERSION) {
			this.#o.onProblem?.({ kind: 'version', message: `server speaks protocol ${frame.v}` });
			this.#dropSocket('unsupported protocol version');
			this.#setState('closed');
			return;
		}
		if (this.#connectTimer !== null) clearTimeout(this.#connectTimer);
		this.#connectTimer = null;
		this.#open = true;
		this.#everConnected = true;
		this.#attempt = 0;
		this.#heartbeatMs = frame.heartbeat_ms > 0 ? frame.heartbeat_ms : 25_000;
		this.#heartbeatTimer = setInterval(() => {
			if (Date.now() - this.#lastFrameAt >= this.#heartbeatMs) this.#probe();
		}, this.#heartbeatMs);
		this.#setState('connected');
		for (const sub of this.#subs.values()) this.#sendSubscribe(sub);
	}

	/** Subscribes with the position held, so that the server replays what was missed. */
	#sendSubscribe(sub: Subscription): void {
		sub.ref = this.#ref();
		sub.awaitingSnapshot = false;
		const frame: ClientFrame = { type: 'subscribe', ref: sub.ref, scope: sub.scope };
		if (sub.epoch !== null && sub.seq > 0) {
			frame.epoch = sub.epoch;
			frame.last_seq = sub.seq;
		}
		this.#send(frame);
	}

	#onSubscribed(frame: SubscribedFrame): void {
		const sub = this.#subs.get(frame.scope);
		// An answer to an earlier subscribe of this scope is stale.
		if (!sub || sub.ref === null || (frame.ref !== undefined && frame.ref !== sub.ref)) return;
		sub.ref = null;
		if (frame.mode === 'snapshot') {
			sub.awaitingSnapshot = true;
			return;
		}
		if (frame.epoch !== sub.epoch) {
			// A replay must continue the epoch held; start over from a snapshot.
			sub.epoch = null;
			sub.seq = 0;
			this.#sendSubscribe(sub);
			return;
		}
		// The events after it follow. (In snapshot mode the position moves
		// with the snapshot frame only, so that a connection lost in between
		// asks for the snapshot again.)
		sub.seq = frame.seq;
	}

	#onSnapshot(frame: SnapshotFrame): void {
		const sub = this.#subs.get(frame.scope);
		if (!sub || !sub.awaitingSnapshot) return;
		sub.awaitingSnapshot = false;
		sub.epoch = frame.epoch;
		sub.seq = frame.seq;
		sub.handlers.snapshot(frame.data, { epoch: frame.epoch, seq: frame.seq });
	}

	#onEvent(frame: EventFrame): void {
		const sub = this.#subs.get(frame.scope);
		// Between a subscribe and its answer (or its snapshot), events belong
		// to the earlier stream; the replay or snapshot covers them.
		if (!sub || sub.ref !== null || sub.awaitingSnapshot) return;
		if (frame.epoch !== sub.epoch) {
			// The log was reset: the position held means nothing; the server answers with a snapshot.
			this.#sendSubscribe(sub);
			return;
		}
		// A duplicate (delivery is at least once).
		if (frame.seq <= sub.seq) return;
		// Holes left by filtering are not gaps: prev names the frame the
		// server sent before this one. When it is not the one held, events
		// were skipped: resume from the last contiguous one (the server
		// replays what followed it); frames of the old stream are ignored
		// until the answer.
		if (frame.prev !== sub.seq) {
			this.#sendSubscribe(sub);
			return;
		}
		sub.seq = frame.seq;
		sub.handlers.event(frame);
	}

	#onError(frame: ErrorFrame): void {
		const sub = frame.scope !== undefined ? this.#subs.get(frame.scope) : undefined;
		if (!sub) {
			this.#o.onProblem?.({ kind: 'error', code: frame.code, message: frame.message });
			return;
		}
		if (sub.ref !== null && frame.ref === sub.ref) this.#subs.delete(sub.scope);
		sub.handlers.error?.(frame);
	}
}
