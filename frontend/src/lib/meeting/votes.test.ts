import { describe, expect, it } from 'vitest';
import type { Vote } from '$lib/api/types';
import { en } from '$lib/i18n/en';
import { vi } from '$lib/i18n/vi';
import { optionLabel, voterState } from './votes';

describe('votes', () => {
	it('translates standard options and keeps custom labels', () => {
		expect(optionLabel({ key: 'agree', label: 'Tán thành' }, en)).toBe('In favour');
		expect(optionLabel({ key: 'abstain', label: 'Bỏ phiếu trắng' }, vi)).toBe('Bỏ phiếu trắng');
		expect(optionLabel({ key: 'option_b', label: 'Phương án B' }, en)).toBe('Phương án B');
	});

	it('tells whether the member may still vote', () => {
		const v = { entitled: [5, 6], voted: false } as Vote;
		expect(voterState(v, 5)).toBe('cast');
		expect(voterState(v, 9)).toBe('not-entitled');
		expect(voterState({ ...v, voted: true }, 5)).toBe('voted');
	});
});
