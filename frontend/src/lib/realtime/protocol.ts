// Frames of the e-Cabinet real-time protocol, version 1
// (backend/hub/PROTOCOL.md). Every frame is a JSON text message with a type.

export const PROTOCOL_VERSION = 1;

/** Close codes the server uses, and what the client does on each. */
export const CloseCode = {
	/** Normal close: nothing to do. */
	Normal: 1000,
	/** Server going away; reason "retry_ms=<n>": reconnect after n ms with jitter. */
	GoingAway: 1001,
	/** Policy violation (RFC 6455), as an intermediary may send: a bug, do not retry. */
	Policy: 1008,
	/** A client frame over 64 KiB: a bug, do not retry. */
	TooBig: 1009,
	/** The client fell behind (send queue overflowed): reconnect at once and resume. */
	FellBehind: 4000,
	/** The sign-in ended: sign in again. */
	SignInEnded: 4401
} as const;

/** A scope's position in its event log. */
export interface Position {
	epoch: string;
	seq: number;
}

export interface HelloFrame {
	type: 'hello';
	v: number;
	member_id: number;
	instance: string;
	heartbeat_ms: number;
}

export interface SubscribedFrame {
	type: 'subscribed';
	ref?: string;
	scope: string;
	epoch: string;
	seq: number;
	mode: 'replay' | 'snapshot';
}

export interface EventFrame {
	type: 'event';
	/** The seq of the frame of this scope the server sent before this one on this connection. */
	prev: number;
	scope: string;
	epoch: string;
	seq: number;
	event: string;
	at: string;
	data: unknown;
}

export interface SnapshotFrame {
	type: 'snapshot';
	scope: string;
	epoch: string;
	seq: number;
	data: unknown;
}

export interface UnsubscribedFrame {
	type: 'unsubscribed';
	ref?: string;
	scope: string;
}

export interface PongFrame {
	type: 'pong';
	ref?: string;
}

export interface ErrorFrame {
	type: 'error';
	ref?: string;
	scope?: string;
	code: string;
	message: string;
}

export type ServerFrame =
	| HelloFrame
	| SubscribedFrame
	| EventFrame
	| SnapshotFrame
	| UnsubscribedFrame
	| PongFrame
	| ErrorFrame;

export type ClientFrame =
	| { type: 'subscribe'; ref: string; scope: string; epoch?: string; last_seq?: number }
	| { type: 'unsubscribe'; ref: string; scope: string }
	| { type: 'ping'; ref: string };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
const isScoped = (v: Record<string, unknown>) =>
	typeof v.scope === 'string' && typeof v.epoch === 'string' && Number.isSafeInteger(v.seq);

/**
 * Parses a text message into a frame, or returns null for anything that is
 * not a well-formed frame of a known type (ignored, as the protocol may grow).
 */
export function parseFrame(text: unknown): ServerFrame | null {
	if (typeof text !== 'string') return null;
	let v: unknown;
	try {
		v = JSON.parse(text);
	} catch {
		return null;
	}
	if (!isObject(v)) return null;
	switch (v.type) {
		case 'hello':
			return typeof v.v === 'number' ? (v as unknown as HelloFrame) : null;
		case 'subscribed':
			return isScoped(v) && (v.mode === 'replay' || v.mode === 'snapshot') ? (v as unknown as SubscribedFrame) : null;
		case 'event':
			return isScoped(v) && typeof v.event === 'string' && Number.isSafeInteger(v.prev) ? (v as unknown as EventFrame) : null;
		case 'snapshot':
			return isScoped(v) ? (v as unknown as SnapshotFrame) : null;
		case 'unsubscribed':
		case 'pong':
			return v as unknown as ServerFrame;
		case 'error':
			return typeof v.code === 'string' ? (v as unknown as ErrorFrame) : null;
		default:
			return null;
	}
}

/** The delay asked for by a 1001 close reason "retry_ms=<n>", or null. */
export function retryAfterMs(reason: string): number | null {
	const m = /(?:^|[\s;,])retry_ms=(\d+)/.exec(reason);
	return m ? Number(m[1]) : null;
}
