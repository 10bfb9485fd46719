import type { AnswerItem, Ballot, BallotChoice } from '$lib/api/types';

/** What the member has chosen so far, per question id. */
export type Draft = Record<number, { choice: BallotChoice | ''; comment: string }>;

/** The draft for a ballot: the member's stored answers, or empty. */
export function draftFor(ballot: Ballot): Draft {
	const d: Draft = {};
	for (const q of ballot.questions) {
		const mine = ballot.mine?.find((a) => a.question_id === q.id);
		d[q.id] = { choice: mine?.choice ?? '', comment: mine?.comment ?? '' };
	}
	return d;
}

export type DraftProblem = { questionId: number; kind: 'choice' | 'comment' };

/** What keeps the draft from being sent: an unanswered question, or a missing comment the body requires. */
export function draftProblems(ballot: Ballot, draft: Draft, commentRequired: boolean): DraftProblem[] {
	const out: DraftProblem[] = [];
	for (const q of ballot.questions) {
		const a = draft[q.id];
		if (!a?.choice) out.push({ questionId: q.id, kind: 'choice' });
		else if (commentRequired && a.choice !== 'agree' && !a.comment.trim()) out.push({ questionId: q.id, kind: 'comment' });
	}
	return out;
}

/** The answers to send, in question order. */
export function answersOf(ballot: Ballot, draft: Draft): AnswerItem[] {
	return ballot.questions.map((q) => ({ question_id: q.id, choice: draft[q.id].choice as BallotChoice, comment: draft[q.id].comment }));
}
