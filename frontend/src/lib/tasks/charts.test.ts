import { describe, expect, it } from 'vitest';
import type { TaskStats } from '$lib/api/tasks';
import { largest, orgShort, taskSeries } from './charts';

const g = (key: string, assigned: number, on: number, late: number, prog: number, over: number) =>
	({ key, assigned, done_on_time: on, done_late: late, in_progress: prog, overdue: over }) as TaskStats;

describe('task charts', () => {
	it('abbreviates organisations as they abbreviate themselves', () => {
		expect(orgShort('Bộ Tài chính')).toBe('BTC');
		expect(orgShort('Bộ Kế hoạch và Đầu tư')).toBe('BKHVĐT');
		expect(orgShort('')).toBe('—');
	});

	it('charts the organisations with the most tasks, each count in its series', () => {
		const top = largest([g('Bộ Y tế', 3, 1, 1, 1, 0), g('Bộ Tài chính', 9, 5, 1, 2, 1), g('Bộ Nội vụ', 3, 3, 0, 0, 0)], 2);
		expect(top.map((x) => x.key)).toEqual(['Bộ Tài chính', 'Bộ Nội vụ']);
		const s = taskSeries(top, 'organization', 'vi');
		expect(s.categories[0]).toEqual({ short: 'BTC', year: '', full: 'Bộ Tài chính' });
		expect([s.onTime, s.late, s.inProgress, s.overdue]).toEqual([[5, 3], [1, 0], [2, 0], [1, 0]]);
	});

	it('labels months as the savings charts do', () => {
		expect(taskSeries([g('2026-11', 1, 1, 0, 0, 0)], 'period', 'vi').categories[0]).toEqual({ short: 'T11', year: '2026', full: 'Tháng 11/2026' });
	});
});
