import { describe, expect, it } from 'vitest';
import { groupSecret, qrPath, totpCode } from './secret';

describe('second factor helpers', () => {
	it('groups the secret by four for typing', () => {
		expect(groupSecret('JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP')).toBe('JBSW Y3DP EHPK 3PXP JBSW Y3DP EHPK 3PXP');
		expect(groupSecret('abcdefg')).toBe('ABCD EFG');
	});

	it('takes six digits, spaces allowed, and nothing else', () => {
		expect(totpCode(' 123 456 ')).toBe('123456');
		expect(totpCode('12345')).toBeNull();
		expect(totpCode('12345a')).toBeNull();
	});

	it('draws dark modules as unit squares', () => {
		expect(
			qrPath([
				[true, false],
				[false, true]
			])
		).toBe('M0 0h1v1h-1zM1 1h1v1h-1z');
	});
});
