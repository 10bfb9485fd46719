import { describe, expect, it } from 'vitest';
import { axisLabels, bands, labelWidth, niceAxis, niceStep, stack, yScale } from './scale';

describe('chart scales', () => {
	it('rounds steps to 1, 2, 2.5 or 5 times a power of ten', () => {
		expect(niceStep(0.7)).toBe(1);
		expect(niceStep(13)).toBe(20);
		expect(niceStep(23)).toBe(25);
		expect(niceStep(41_000)).toBe(50_000);
		expect(niceStep(60_000_000)).toBe(100_000_000);
		expect(niceStep(0)).toBe(1);
	});

	it('makes an axis from zero to a round top above the largest value', () => {
		expect(niceAxis(102_996)).toEqual({ top: 150_000, ticks: [0, 50_000, 100_000, 150_000] });
		expect(niceAxis(102_996, 5)).toEqual({ top: 125_000, ticks: [0, 25_000, 50_000, 75_000, 100_000, 125_000] });
		expect(niceAxis(30.2)).toEqual({ top: 40, ticks: [0, 10, 20, 30, 40] });
		expect(niceAxis(100)).toEqual({ top: 100, ticks: [0, 25, 50, 75, 100] });
		expect(niceAxis(0)).toEqual({ top: 1, ticks: [0, 1] });
		expect(niceAxis(0.3).ticks).toEqual([0, 0.1, 0.2, 0.3]);
	});

	it('maps values to pixels upwards and clamps what is outside', () => {
		const y = yScale(100, 200, 20);
		expect(y(0)).toBe(200);
		expect(y(100)).toBe(20);
		expect(y(50)).toBe(110);
		expect(y(-5)).toBe(200);
		expect(y(150)).toBe(20);
	});

	it('centres bars in equal bands', () => {
		const b = bands(4, 40, 400, 0.5);
		expect(b.step).toBe(100);
		expect(b.bar).toBe(50);
		expect(b.start(0)).toBe(65);
		expect(b.start(3)).toBe(365);
	});

	it('stacks values one on another', () => {
		expect(stack([864, 0, 494])).toEqual([
			[0, 864],
			[864, 864],
			[864, 1358]
		]);
	});

	it('estimates a label wider for capitals than for small letters and spaces', () => {
		expect(labelWidth('BNNPTNT')).toBeGreaterThan(labelWidth('Lào Cai'));
		expect(labelWidth('T11')).toBeLessThan(30);
		expect(labelWidth('')).toBe(0);
	});

	it('keeps labels level when they fit their bands, and slants them, each under its bar, when they do not', () => {
		expect(axisLabels([25, 25, 25], 60)).toMatchObject({ slant: false, every: 1 });
		// Twelve organisations on a tablet: about 50 px a band, labels up to 70 px.
		const slanted = axisLabels([45, 70, 36, 52], 50);
		expect(slanted).toMatchObject({ slant: true, every: 1 });
		expect(slanted.depth).toBeGreaterThan(70 * Math.SQRT1_2);
		expect(slanted.reach).toBeCloseTo(45 * Math.SQRT1_2);
		// Bands narrower than a slanted line of text: every other label.
		expect(axisLabels([60, 60, 60, 60], 12).every).toBe(2);
	});
});
