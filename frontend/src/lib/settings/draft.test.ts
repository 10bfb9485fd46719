import { describe, expect, it } from 'vitest';
import type { BodySettings } from '$lib/api/types';
import { fromDraft, toDraft } from './draft';

const settings: BodySettings = {
	quorum_numerator: 2,
	quorum_denominator: 3,
	pass_rule: 'majority_of_all',
	tie_break: 'chair',
	deputy_may_vote: false,
	electronic_max_classification: 'none',
	vote_change_allowed: false,
	ballot_answer_change_allowed: true,
	ballot_comment_required: true,
	ballot_reminder_minutes: [1440, 120],
	offline_reading: false,
	mfa_required: false,
	reserve_copies: 5,
	duplex: true,
	cost_per_page_vnd: 1500,
	sheet_weight_mg: 5000,
	ballot_pages: 2,
	target_time_saving_pc: 30,
	task_reminder_days_before: 3,
	task_reminder_days_after: 1,
	speaking_minutes: 5,
	position_names_visible: false,
	consent_by_vote: false,
	timezone: 'Asia/Ho_Chi_Minh',
	place: 'Hà Nội',
	document_max_pages: 10000,
	document_max_stream_mib: 128,
	document_max_decoded_mib: 4096,
	signers: { conclusion: [], ballot_report: [], minutes: [] }
};

describe('settings draft', () => {
	it('round-trips', () => {
		const draft = toDraft(settings);
		expect(draft.quorum_numerator).toBe('2');
		expect(draft.ballot_reminder_minutes).toBe('1440, 120');
		expect(fromDraft(draft)).toEqual({ ok: true, settings });
	});

	it('parses what was typed, leaving ranges to the server', () => {
		const draft = { ...toDraft(settings), reserve_copies: ' 7 ', quorum_numerator: '-1', ballot_reminder_minutes: '60;30  15', timezone: ' UTC ' };
		const r = fromDraft(draft);
		expect(r).toMatchObject({ ok: true, settings: { reserve_copies: 7, quorum_numerator: -1, ballot_reminder_minutes: [60, 30, 15], timezone: 'UTC' } });
	});

	it('accepts an empty reminder list', () => {
		expect(fromDraft({ ...toDraft(settings), ballot_reminder_minutes: '' })).toMatchObject({ ok: true, settings: { ballot_reminder_minutes: [] } });
	});

	it.each([
		['cost_per_page_vnd', '1.5'],
		['cost_per_page_vnd', ''],
		['reserve_copies', 'năm'],
		['sheet_weight_mg', '99999999999999999999'],
		['task_reminder_days_before', 'ba'],
		['document_max_stream_mib', '128 MiB']
	] as const)('names %s when it is %j', (field, value) => {
		expect(fromDraft({ ...toDraft(settings), [field]: value })).toEqual({ ok: false, field, problem: 'integer' });
	});

	it('names the reminder list when it is not whole minutes', () => {
		expect(fromDraft({ ...toDraft(settings), ballot_reminder_minutes: '60, một giờ' })).toEqual({
			ok: false,
			field: 'ballot_reminder_minutes',
			problem: 'minuteList'
		});
	});
});
