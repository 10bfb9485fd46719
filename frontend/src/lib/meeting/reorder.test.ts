import { describe, expect, it } from 'vitest';
import { dropIndex, moveTo } from './reorder';

describe('reordering the agenda', () => {
	it('moves an item up, down and to the ends', () => {
		expect(moveTo([1, 2, 3, 4], 0, 2)).toEqual([2, 3, 1, 4]);
		expect(moveTo([1, 2, 3, 4], 3, 0)).toEqual([4, 1, 2, 3]);
		expect(moveTo([1, 2, 3, 4], 1, 99)).toEqual([1, 3, 4, 2]);
		expect(moveTo([1, 2, 3], 5, 0)).toEqual([1, 2, 3]);
	});

	it('drops a dragged row where the pointer is', () => {
		const rows = [0, 60, 120, 180].map((top) => ({ top, height: 60 }));
		expect(dropIndex(rows, 0, 10)).toBe(0);
		expect(dropIndex(rows, 0, 100)).toBe(1);
		expect(dropIndex(rows, 0, 230)).toBe(3);
		expect(dropIndex(rows, 3, 20)).toBe(0);
		expect(dropIndex(rows, 3, 80)).toBe(1);
		expect(dropIndex(rows, 3, 95)).toBe(2);
	});
});
