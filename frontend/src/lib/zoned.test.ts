import { describe, expect, it } from 'vitest';
import { fromZonedInput, toZonedInput } from './zoned';

describe('zoned wall-clock times', () => {
	it('shows an instant as the body’s clocks do', () => {
		expect(toZonedInput('2026-11-25T01:00:00Z', 'Asia/Ho_Chi_Minh')).toBe('2026-11-25T08:00');
		expect(toZonedInput('2026-11-24T20:30:00Z', 'Asia/Ho_Chi_Minh')).toBe('2026-11-25T03:30');
		expect(toZonedInput('2026-07-01T12:00:00Z', 'Europe/Paris')).toBe('2026-07-01T14:00');
	});

	it('turns the body’s wall-clock time back into the instant', () => {
		expect(fromZonedInput('2026-11-25T08:00', 'Asia/Ho_Chi_Minh')).toBe('2026-11-25T01:00:00.000Z');
		expect(fromZonedInput('2026-01-15T09:00', 'Europe/Paris')).toBe('2026-01-15T08:00:00.000Z');
		expect(fromZonedInput('2026-07-15T09:00', 'Europe/Paris')).toBe('2026-07-15T07:00:00.000Z');
		expect(fromZonedInput('25/11/2026 08:00', 'Asia/Ho_Chi_Minh')).toBeNull();
	});

	it('round-trips', () => {
		const v = '2026-11-30T17:00';
		expect(toZonedInput(fromZonedInput(v, 'America/New_York')!, 'America/New_York')).toBe(v);
	});
});
