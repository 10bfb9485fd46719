import { describe, expect, it } from 'vitest';
import { isSecretariat, presides } from './roles';

describe('roles', () => {
	it('tells the secretariat and who presides, as the server does', () => {
		expect(['admin', 'secretary', 'chair', 'member', 'guest'].map((r) => isSecretariat(r as never))).toEqual([true, true, false, false, false]);
		expect(['admin', 'secretary', 'chair', 'member', 'guest'].map((r) => presides(r as never))).toEqual([true, true, true, false, false]);
	});
});
