import { describe, expect, it } from 'vitest';
import { parseFrame, retryAfterMs } from './protocol';

describe('parseFrame', () => {
	it('reads the frames of the protocol', () => {
		const ev = { prev: 40, type: 'event', scope: 'meeting:12', epoch: 'k3', seq: 42, event: 'agenda.updated', at: '2026-11-21T09:30:00Z', data: { agenda: [] } };
		expect(parseFrame(JSON.stringify(ev))).toEqual(ev);
		expect(parseFrame('{"type":"hello","v":1,"member_id":17,"instance":"a","heartbeat_ms":25000}')).toMatchObject({ type: 'hello', v: 1 });
		expect(parseFrame('{"type":"subscribed","scope":"body:1","epoch":"e","seq":0,"mode":"snapshot"}')).toMatchObject({ mode: 'snapshot' });
		expect(parseFrame('{"type":"error","ref":"r1","code":"not_found","message":"…"}')).toMatchObject({ code: 'not_found' });
	});

	it.each([
		'not json',
		'[]',
		'null',
		'{"type":"surprise"}',
		'{"type":"event","scope":"meeting:1","epoch":"e","seq":"7","event":"x","prev":6}',
		'{"type":"event","scope":"meeting:1","epoch":"e","seq":7,"event":"x"}',
		'{"type":"subscribed","scope":"meeting:1","epoch":"e","seq":1,"mode":"other"}',
		'{"type":"snapshot","scope":"meeting:1","seq":1}'
	])('ignores %s', (text) => expect(parseFrame(text)).toBeNull());

	it('ignores binary data', () => expect(parseFrame(new ArrayBuffer(2))).toBeNull());
});

describe('retryAfterMs', () => {
	it('reads the delay of a 1001 close', () => {
		expect(retryAfterMs('retry_ms=1500')).toBe(1500);
		expect(retryAfterMs('shutting down; retry_ms=250')).toBe(250);
		expect(retryAfterMs('going away')).toBeNull();
		expect(retryAfterMs('xretry_ms=5')).toBeNull();
	});
});
