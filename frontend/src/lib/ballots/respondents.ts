import type { ReportRow } from '$lib/api/types';

/** One recipient's state: how many questions answered, when, on paper (why) or signed. */
export interface Respondent {
	memberId: number;
	member: string;
	title: string;
	answered: number;
	questions: number;
	/** The latest answer's time. */
	answeredAt: string | null;
	paperReason: string;
	signed: boolean;
}

/** Per recipient, in the report's order (GET /ballots/:id/report rows: one per recipient and question). */
export function respondents(rows: ReportRow[]): Respondent[] {
	const byMember = new Map<number, Respondent>();
	for (const r of rows) {
		let p = byMember.get(r.member_id);
		if (!p) {
			p = { memberId: r.member_id, member: r.member, title: r.title, answered: 0, questions: 0, answeredAt: null, paperReason: '', signed: false };
			byMember.set(r.member_id, p);
		}
		p.questions++;
		if (r.choice && r.answered_at) {
			p.answered++;
			if (!p.answeredAt || r.answered_at > p.answeredAt) p.answeredAt = r.answered_at;
			p.paperReason ||= r.paper_reason ?? '';
			p.signed ||= r.signed;
		}
	}
	return [...byMember.values()];
}
