import { describe, expect, it } from 'vitest';
import { formatCompact, formatNumber, formatPercent, formatVnd, formatWeight } from './numbers';

// Intl writes a no-break space before the currency sign and unit words.
const plain = (s: string) => s.replace(/\u00a0|\u202f/g, ' ');

describe('numbers', () => {
	it('groups thousands with dots and writes decimals with a comma in Vietnamese', () => {
		expect(formatNumber(865784, 'vi')).toBe('865.784');
		expect(formatNumber(6871.5, 'vi')).toBe('6.871,5');
		expect(formatNumber(865784, 'en')).toBe('865,784');
		expect(formatPercent(99.4, 'vi')).toBe('99,4%');
		expect(formatPercent(85.2, 'en')).toBe('85.2%');
	});

	it('writes đồng the Vietnamese way', () => {
		expect(plain(formatVnd(1298676000, 'vi'))).toBe('1.298.676.000 ₫');
		expect(plain(formatVnd(1500, 'vi'))).toBe('1.500 ₫');
	});

	it('shortens axis amounts into words', () => {
		expect(plain(formatCompact(1_300_000_000, 'vi'))).toBe('1,3 tỷ');
		expect(plain(formatCompact(150_000_000, 'vi'))).toBe('150 triệu');
		expect(formatCompact(1_300_000_000, 'en')).toBe('1.3bn');
		expect(formatCompact(0, 'vi')).toBe('0');
	});

	it('weighs in the largest fitting unit', () => {
		expect(formatWeight(2_191_900_000, 'vi')).toBe('2,2 tấn');
		expect(formatWeight(13_290_000, 'vi')).toBe('13,3 kg');
		expect(formatWeight(5000, 'en')).toBe('5 g');
		// A report quotes grams, not milligrams.
		expect(formatWeight(500, 'vi')).toBe('0,5 g');
		expect(formatWeight(0, 'vi')).toBe('0 g');
	});
});
