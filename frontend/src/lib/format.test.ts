import { describe, expect, it } from 'vitest';
import { formatDate, formatDateTime, formatLongDate, formatTime, timeLeft } from './format';

// 2026-11-21 23:30 UTC is already Sunday 22 November in Vietnam (UTC+7).
const late = '2026-11-21T23:30:00Z';

describe('dates in the body’s time zone', () => {
	it('formats in Vietnamese by default zone', () => {
		expect(formatDateTime(late, 'vi', 'Asia/Ho_Chi_Minh')).toBe('06:30 22/11/2026');
		expect(formatLongDate(late, 'vi', 'Asia/Ho_Chi_Minh')).toBe('Chủ Nhật, 22 tháng 11, 2026');
	});

	it('formats in English', () => {
		expect(formatDateTime(late, 'en', 'Asia/Ho_Chi_Minh')).toBe('22/11/2026, 06:30');
		expect(formatLongDate(late, 'en', 'Asia/Ho_Chi_Minh')).toBe('Sunday, 22 November 2026');
	});

	it('follows another zone', () => {
		expect(formatDateTime(late, 'en', 'UTC')).toBe('21/11/2026, 23:30');
	});

	it('falls back to Vietnam’s zone on an unknown zone instead of failing', () => {
		expect(formatDateTime(late, 'vi', 'Mars/Olympus')).toBe('06:30 22/11/2026');
	});
});

describe('times and deadlines', () => {
	it('formats a time of day in the zone', () => {
		expect(formatTime(late, 'vi', 'Asia/Ho_Chi_Minh')).toBe('06:30');
		expect(formatDate(late, 'vi', 'Asia/Ho_Chi_Minh')).toBe('22/11/2026');
	});

	it('says what is left in days, hours or minutes, and nothing once passed', () => {
		const now = new Date('2026-11-22T00:00:00Z');
		expect(timeLeft('2026-11-25T12:00:00Z', now)).toEqual({ unit: 'day', value: 3 });
		expect(timeLeft('2026-11-22T05:59:00Z', now)).toEqual({ unit: 'hour', value: 5 });
		expect(timeLeft('2026-11-22T00:45:10Z', now)).toEqual({ unit: 'minute', value: 46 });
		expect(timeLeft('2026-11-21T23:59:00Z', now)).toBeNull();
	});
});
