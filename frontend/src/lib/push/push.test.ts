import { describe, expect, it } from 'vitest';
import { keyBytes } from './push';

describe('keyBytes', () => {
	it('decodes an unpadded base64url key to its bytes', () => {
		// 0xfb 0xff 0xfe: "+//+" in base64, "-__-" in base64url.
		expect([...keyBytes('-__-')]).toEqual([0xfb, 0xff, 0xfe]);
		expect([...keyBytes('BAE')]).toEqual([4, 1]);
	});
});
