// A small real server of the real-time protocol (backend/hub/PROTOCOL.md)
// for the client's tests: per-scope logs with epochs, replay or snapshot on
// subscribe, filtered and lost events, and every close code.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';

interface LoggedEvent {
	seq: number;
	event: string;
	data: unknown;
	at: string;
	/** False for an event this member may not see (filtered). */
	visible: boolean;
}

interface ScopeLog {
	epoch: string;
	seq: number;
	log: LoggedEvent[];
}

export interface Peer {
	socket: WebSocket;
	/** Per subscribed scope, the seq of the last frame sent (the prev of the next event). */
	scopes: Map<string, number>;
}

export type Frame = Record<string, unknown>;

export class ProtocolServer {
	/** Every frame received from clients, in order. */
	readonly received: Frame[] = [];
	readonly peers = new Set<Peer>();
	/** Times a client connected (upgrade accepted). */
	connections = 0;
	/** Upgrades answered with this HTTP status instead (401 = signed out). */
	refuseWith: number | null = null;
	version = 1;
	heartbeatMs = 25_000;
	replayLimit = 1_000;
	/** Ignore pings (a connection that died without a close). */
	mute = false;
	/** Answer subscribe with `subscribed` but not the snapshot (a connection lost in between). */
	withholdSnapshots = false;
	/** Scopes whose subscribe is refused with forbidden. */
	readonly forbidden = new Set<string>();
	readonly #scopes = new Map<string, ScopeLog>();
	readonly #http: Server;
	readonly #wss = new WebSocketServer({ noServer: true });

	private constructor() {
		this.#http = createServer((_req, res) => res.writeHead(404).end());
		this.#http.on('upgrade', (req, socket, head) => {
			if (this.refuseWith !== null) {
				socket.end(`HTTP/1.1 ${this.refuseWith} Refused\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
				return;
			}
			this.#wss.handleUpgrade(req, socket, head, (ws) => this.#accept(ws));
		});
	}

	static async start(): Promise<ProtocolServer> {
		const server = new ProtocolServer();
		await new Promise<void>((resolve) => server.#http.listen(0, '127.0.0.1', resolve));
		return server;
	}

	get url(): string {
		const { port } = this.#http.address() as AddressInfo;
		return `ws://127.0.0.1:${port}/api/v1/ws`;
	}

	scope(name: string): ScopeLog {
		let s = this.#scopes.get(name);
		if (!s) {
			s = { epoch: 'epoch-1', seq: 0, log: [] };
			this.#scopes.set(name, s);
		}
		return s;
	}

	/**
	 * Appends an event to a scope's log and sends it to subscribed peers,
	 * unless it is invisible (filtered). With lost, the frame is counted as
	 * sent but never arrives (a broken server or proxy): the next event's
	 * prev then names it.
	 */
	publish(scope: string, event: string, data: unknown, opts: { visible?: boolean; lost?: boolean } = {}): number {
		const s = this.scope(scope);
		const e: LoggedEvent = { seq: ++s.seq, event, data, at: new Date().toISOString(), visible: opts.visible ?? true };
		s.log.push(e);
		if (!e.visible) return e.seq;
		for (const p of this.peers) {
			if (!p.scopes.has(scope)) continue;
			const frame = this.#eventFrame(scope, e, p);
			if (!opts.lost) this.#send(p, frame);
		}
		return e.seq;
	}

	/** Sends a logged event again, as a duplicate (its prev is the last frame sent; nothing moves). */
	resend(scope: string, seq: number): void {
		const s = this.scope(scope);
		const e = s.log.find((x) => x.seq === seq);
		if (!e) return;
		for (const p of this.peers) {
			const prev = p.scopes.get(scope);
			if (prev === undefined) continue;
			this.#send(p, { prev, type: 'event', scope, epoch: s.epoch, seq: e.seq, event: e.event, at: e.at, data: e.data });
		}
	}

	/** Resets a scope's log (a restore from backup): a new epoch. */
	resetEpoch(scope: string, epoch: string): void {
		const s = this.scope(scope);
		s.epoch = epoch;
	}

	closeAll(code: number, reason = ''): void {
		for (const p of this.peers) p.socket.close(code, reason);
	}

	/** Drops every connection without a close frame (network loss). */
	dropAll(): void {
		for (const p of this.peers) p.socket.terminate();
	}

	/** Client frames of a type. */
	frames(type: string): Frame[] {
		return this.received.filter((f) => f.type === type);
	}

	async stop(): Promise<void> {
		this.dropAll();
		this.#wss.close();
		await new Promise<void>((resolve) => this.#http.close(() => resolve()));
	}

	#accept(socket: WebSocket): void {
		this.connections++;
		const peer: Peer = { socket, scopes: new Map() };
		this.peers.add(peer);
		socket.on('close', () => this.peers.delete(peer));
		socket.on('error', () => this.peers.delete(peer));
		socket.on('message', (raw) => this.#onFrame(peer, JSON.parse(raw.toString()) as Frame));
		this.#send(peer, { type: 'hello', v: this.version, member_id: 17, instance: 'test', heartbeat_ms: this.heartbeatMs });
	}

	#onFrame(peer: Peer, f: Frame): void {
		this.received.push(f);
		switch (f.type) {
			case 'ping':
				if (!this.mute) this.#send(peer, { type: 'pong', ref: f.ref });
				return;
			case 'unsubscribe':
				peer.scopes.delete(String(f.scope));
				this.#send(peer, { type: 'unsubscribed', ref: f.ref, scope: f.scope });
				return;
			case 'subscribe':
				return this.#subscribe(peer, f);
			default:
				this.#send(peer, { type: 'error', ref: f.ref, code: 'invalid', message: 'unknown frame' });
		}
	}

	#subscribe(peer: Peer, f: Frame): void {
		const name = String(f.scope);
		if (this.forbidden.has(name)) {
			this.#send(peer, { type: 'error', ref: f.ref, scope: name, code: 'forbidden', message: 'forbidden' });
			return;
		}
		const s = this.scope(name);
		const last = typeof f.last_seq === 'number' ? f.last_seq : 0;
		const replay = f.epoch === s.epoch && last > 0 && last <= s.seq && s.seq - last <= this.replayLimit;
		// In replay mode, `seq` is the client's last_seq; the events after it follow.
		const seq = replay ? last : s.seq;
		peer.scopes.set(name, seq);
		this.#send(peer, { type: 'subscribed', ref: f.ref, scope: name, epoch: s.epoch, seq, mode: replay ? 'replay' : 'snapshot' });
		if (replay) {
			for (const e of s.log) if (e.seq > last && e.visible) this.#send(peer, this.#eventFrame(name, e, peer));
		} else if (!this.withholdSnapshots) {
			const events = s.log.filter((e) => e.visible).map((e) => e.data);
			this.#send(peer, { type: 'snapshot', scope: name, epoch: s.epoch, seq: s.seq, data: { events } });
		}
	}

	/** An event's frame for peer: prev is the last frame of the scope sent to it, which this one now is. */
	#eventFrame(scope: string, e: LoggedEvent, peer: Peer): Frame {
		const prev = peer.scopes.get(scope) ?? 0;
		peer.scopes.set(scope, e.seq);
		return { prev, type: 'event', scope, epoch: this.scope(scope).epoch, seq: e.seq, event: e.event, at: e.at, data: e.data };
	}

	#send(peer: Peer, frame: Frame): void {
		if (peer.socket.readyState === WebSocket.OPEN) peer.socket.send(JSON.stringify(frame));
	}
}
