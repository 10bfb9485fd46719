import { describe, expect, it } from 'vitest';
import { fromDraft, toDraft } from './draft';
import { settings } from './fixture';

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
