import type { BodySettings } from '$lib/api/types';

/** Settings edited as whole numbers in text inputs. */
export const INTEGER_FIELDS = [
	'quorum_numerator',
	'quorum_denominator',
	'reserve_copies',
	'cost_per_page_vnd',
	'sheet_weight_mg',
	'ballot_pages',
	'target_time_saving_pc',
	'task_reminder_days_before',
	'task_reminder_days_after',
	'speaking_minutes',
	'document_max_pages',
	'document_max_stream_mib',
	'document_max_decoded_mib'
] as const;

export type IntegerField = (typeof INTEGER_FIELDS)[number];

/**
 * The form's copy of the settings: numbers as the text typed, the reminder
 * list as "1440, 120". The server validates ranges and rules; the form only
 * refuses what is not a number at all.
 */
export type SettingsDraft = Omit<BodySettings, IntegerField | 'ballot_reminder_minutes'> &
	Record<IntegerField, string> & { ballot_reminder_minutes: string };

export type DraftProblem = 'integer' | 'minuteList';

export type DraftResult =
	| { ok: true; settings: BodySettings }
	| { ok: false; field: keyof BodySettings; problem: DraftProblem };

export function toDraft(s: BodySettings): SettingsDraft {
	const draft = { ...s, ballot_reminder_minutes: s.ballot_reminder_minutes.join(', ') } as Record<string, unknown>;
	for (const f of INTEGER_FIELDS) draft[f] = String(s[f]);
	return draft as SettingsDraft;
}

const INTEGER = /^-?\d+$/;

export function fromDraft(d: SettingsDraft): DraftResult {
	const out = { ...d } as Record<string, unknown>;
	for (const f of INTEGER_FIELDS) {
		const text = d[f].trim();
		if (!INTEGER.test(text) || !Number.isSafeInteger(Number(text))) return { ok: false, field: f, problem: 'integer' };
		out[f] = Number(text);
	}
	const parts = d.ballot_reminder_minutes
		.split(/[,;\s]+/)
		.map((p) => p.trim())
		.filter(Boolean);
	if (!parts.every((p) => INTEGER.test(p))) {
		return { ok: false, field: 'ballot_reminder_minutes', problem: 'minuteList' };
	}
	out.ballot_reminder_minutes = parts.map(Number);
	out.timezone = d.timezone.trim();
	out.place = d.place.trim();
	return { ok: true, settings: out as unknown as BodySettings };
}
