import type { BodySettings } from '$lib/api/types';

/** The Government's default settings as the server sends them, for tests. */
export const settings: BodySettings = {
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
