import { describe, expect, it } from 'vitest';
import { castKeyFor, newIdempotencyKey } from './idempotency';

describe('idempotency keys', () => {
	it('are random 128-bit hex strings', () => {
		const a = newIdempotencyKey();
		expect(a).toMatch(/^[0-9a-f]{32}$/);
		expect(newIdempotencyKey()).not.toBe(a);
	});

	it('stay the same for every cast in one vote', () => {
		expect(castKeyFor(7)).toBe(castKeyFor(7));
		expect(castKeyFor(8)).not.toBe(castKeyFor(7));
	});
});
