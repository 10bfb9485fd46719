import { describe, expect, it } from 'vitest';
import type { Ballot } from '$lib/api/types';
import { answersOf, draftFor, draftProblems } from './form';

const ballot = {
	id: 3,
	questions: [
		{ id: 11, position: 1, text: 'A?' },
		{ id: 12, position: 2, text: 'B?' }
	]
} as Ballot;

describe('ballot answer form', () => {
	it('starts from the member’s stored answers', () => {
		const b = { ...ballot, mine: [{ question_id: 12, member_id: 5, choice: 'other' as const, comment: 'Sửa', answered_at: '', signed: true }] };
		expect(draftFor(b)).toEqual({ 11: { choice: '', comment: '' }, 12: { choice: 'other', comment: 'Sửa' } });
	});

	it('asks for every question and, when the body requires it, a comment on disagree or other', () => {
		const d = draftFor(ballot);
		expect(draftProblems(ballot, d, true)).toEqual([
			{ questionId: 11, kind: 'choice' },
			{ questionId: 12, kind: 'choice' }
		]);
		d[11] = { choice: 'agree', comment: '' };
		d[12] = { choice: 'disagree', comment: '  ' };
		expect(draftProblems(ballot, d, true)).toEqual([{ questionId: 12, kind: 'comment' }]);
		expect(draftProblems(ballot, d, false)).toEqual([]);
		d[12].comment = 'Chưa phù hợp';
		expect(draftProblems(ballot, d, true)).toEqual([]);
		expect(answersOf(ballot, d)).toEqual([
			{ question_id: 11, choice: 'agree', comment: '' },
			{ question_id: 12, choice: 'disagree', comment: 'Chưa phù hợp' }
		]);
	});
});
