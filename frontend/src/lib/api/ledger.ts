import { api } from './index';
import { query } from './query';
import type { AgendaStatus, BallotStatus, Classification, MeetingStatus } from './types';

// The paper and time ledgers (backend/ecabinet/ledger.go, ledger_time.go).

export type LedgerGroup = 'month' | 'year';

/** The body settings every ledger figure depends on; each answer states them. */
export interface LedgerSettings {
	reserve_copies: number;
	duplex: boolean;
	cost_per_page_vnd: number;
	sheet_weight_mg: number;
	ballot_pages: number;
}

export interface PaperFigures {
	pages_avoided: number;
	sheets_avoided: number;
	cost_avoided_vnd: number;
	weight_avoided_mg: number;
	pages_printed: number;
	sheets_printed: number;
	cost_printed_vnd: number;
	weight_printed_mg: number;
	electronic_share_pc: number;
}

export interface TimeFigures {
	sessions: number;
	items: number;
	planned_minutes: number;
	actual_minutes: number;
	saving_minutes: number;
	saving_pc: number;
	target_pc: number;
	progress_pc: number;
	target_reached: boolean;
	/** Items decided in the consent block, and the planned minutes they saved. */
	consent_items?: number;
	consent_saved_minutes?: number;
	consent_saving_pc?: number;
}

export type LineKind = 'version' | 'placeholder' | 'ballot';
export type LineReason = 'distributed' | 'replaced_before_publication' | 'not_published' | 'paper_copies' | 'ballot_sent_and_returned';

/** One figure explained: which document version, placeholder or ballot, and how its copies add up. */
export interface LedgerLine {
	kind: LineKind;
	reason: LineReason;
	counted: boolean;
	electronic: boolean;
	meeting_id?: number;
	ballot_id?: number;
	document_id?: number;
	version_id?: number;
	version?: number;
	title: string;
	classification?: Classification;
	distributed_at?: string;
	replaced_at?: string;
	pages_per_copy: number;
	recipients: number;
	reserve: number;
	multiplier: number;
	copies: number;
	total_pages: number;
	sheets: number;
	cost_vnd: number;
	weight_mg: number;
}

export interface ItemTime {
	item_id: number;
	position: number;
	title: string;
	status: AgendaStatus;
	counted: boolean;
	/** Decided in the consent block: counted apart. */
	consent?: boolean;
	planned_minutes: number;
	actual_minutes?: number;
	saving_minutes?: number;
	saving_pc?: number;
}

export interface TimeLedger {
	closed: boolean;
	totals: TimeFigures;
	items: ItemTime[];
	session_minutes?: number;
	scheduled_minutes: number;
}

export interface LedgerSource {
	kind: 'meeting' | 'ballot';
	id: number;
	title: string;
	date: string;
	period: string;
	paper: PaperFigures;
	lines: LedgerLine[];
	time?: TimeLedger;
}

export interface MeetingLedger extends LedgerSource {
	status: MeetingStatus;
	published_at?: string;
	settings: LedgerSettings;
}

export interface BallotLedger extends LedgerSource {
	status: BallotStatus;
	settings: LedgerSettings;
}

export interface LedgerSummary {
	period: string;
	meetings: number;
	ballots: number;
	paper: PaperFigures;
	time: TimeFigures;
}

export interface LedgerReport {
	group: LedgerGroup;
	from?: string;
	to?: string;
	settings: LedgerSettings;
	target_time_saving_pc: number;
	total: LedgerSummary;
	periods: LedgerSummary[];
	sources?: LedgerSource[];
}

/** Sessions by scheduled start and ballots by opening in [from, to). */
export interface LedgerQuery {
	group: LedgerGroup;
	from?: string;
	to?: string;
}

/** The body's ledger per month or year; explain adds every session and ballot with its lines. */
export function getLedger(q: LedgerQuery & { explain?: boolean }, signal?: AbortSignal): Promise<LedgerReport> {
	return api.get<LedgerReport>(`/ledger${query({ ...q, explain: q.explain || undefined })}`, { signal });
}

export function getMeetingLedger(id: number, signal?: AbortSignal): Promise<MeetingLedger> {
	return api.get<MeetingLedger>(`/ledger/meetings/${id}`, { signal });
}

export function getBallotLedger(id: number, signal?: AbortSignal): Promise<BallotLedger> {
	return api.get<BallotLedger>(`/ledger/ballots/${id}`, { signal });
}

/** Every line of the paper ledger (CSV), for download. */
export function ledgerCsvUrl(q: LedgerQuery): string {
	return `/api/v1/ledger/report.csv${query({ ...q })}`;
}

/** Planned and actual minutes of every agenda item (CSV), for download. */
export function timeCsvUrl(q: LedgerQuery): string {
	return `/api/v1/ledger/time.csv${query({ ...q })}`;
}
