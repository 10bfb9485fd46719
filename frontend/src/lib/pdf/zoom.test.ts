import { describe, expect, it } from 'vitest';
import { clampZoom, fitScale, pinchZoom, stepZoom, swipeDirection } from './zoom';

describe('zoom', () => {
	it('steps through the zoom levels within bounds', () => {
		expect(stepZoom(1, 1)).toBe(1.25);
		expect(stepZoom(1.1, 1)).toBe(1.25);
		expect(stepZoom(1.1, -1)).toBe(1);
		expect(stepZoom(4, 1)).toBe(4);
		expect(stepZoom(0.5, -1)).toBe(0.5);
		expect(clampZoom(9)).toBe(4);
	});

	it('fits a page to the width', () => {
		expect(fitScale(800, 595)).toBeCloseTo(1.3445, 3);
		expect(fitScale(0, 595)).toBe(1);
	});

	it('zooms by the ratio of the fingers’ distances', () => {
		const from: [{ x: number; y: number }, { x: number; y: number }] = [
			{ x: 100, y: 100 },
			{ x: 200, y: 100 }
		];
		expect(pinchZoom(1, from, [{ x: 50, y: 100 }, { x: 250, y: 100 }])).toBe(2);
		expect(pinchZoom(2, from, [{ x: 140, y: 100 }, { x: 160, y: 100 }])).toBe(0.5);
		expect(pinchZoom(1, from, [{ x: 0, y: 0 }, { x: 2000, y: 0 }])).toBe(4);
	});

	it('turns pages on a flat horizontal swipe only', () => {
		expect(swipeDirection({ x: 300, y: 100 }, { x: 100, y: 120 })).toBe(1);
		expect(swipeDirection({ x: 100, y: 100 }, { x: 300, y: 90 })).toBe(-1);
		expect(swipeDirection({ x: 100, y: 100 }, { x: 140, y: 100 })).toBe(0);
		expect(swipeDirection({ x: 100, y: 100 }, { x: 200, y: 250 })).toBe(0);
	});
});
