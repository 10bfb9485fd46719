import { describe, expect, it } from 'vitest';
import type { ReportRow } from '$lib/api/types';
import { respondents } from './respondents';

const row = (member_id: number, question: number, over: Partial<ReportRow> = {}): ReportRow => ({
	question,
	question_id: 100 + question,
	member_id,
	member: `Thành viên ${member_id}`,
	title: 'Bộ trưởng',
	organization: 'Bộ Tư pháp',
	choice: '',
	comment: '',
	signed: false,
	...over
});

describe('respondents', () => {
	it('counts each recipient’s answers, keeps the latest time, paper reasons and signatures, in report order', () => {
		const list = respondents([
			row(7, 1, { choice: 'agree', answered_at: '2026-11-20T02:00:00Z', signed: true }),
			row(7, 2, { choice: 'other', answered_at: '2026-11-20T02:05:00Z', signed: true }),
			row(3, 1, { choice: 'agree', answered_at: '2026-11-21T01:00:00Z', paper_reason: 'Phiếu giấy qua Văn phòng' }),
			row(3, 2),
			row(5, 1),
			row(5, 2)
		]);
		expect(list.map((r) => [r.memberId, r.answered, r.questions])).toEqual([
			[7, 2, 2],
			[3, 1, 2],
			[5, 0, 2]
		]);
		expect(list[0]).toMatchObject({ answeredAt: '2026-11-20T02:05:00Z', signed: true, paperReason: '' });
		expect(list[1]).toMatchObject({ paperReason: 'Phiếu giấy qua Văn phòng', signed: false });
		expect(list[2].answeredAt).toBeNull();
	});
});
