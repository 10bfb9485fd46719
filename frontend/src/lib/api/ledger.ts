import { api } from './index';
import { query } from './query';
import type { components } from './schema';

// The paper and time ledgers (backend/ecabinet/ledger.go, ledger_time.go); the types are the generated schemas.

type Schemas = components['schemas'];

export type LedgerGroup = Schemas['LedgerReport']['group'];

/** The body settings every ledger figure depends on; each answer states them. */
export type LedgerSettings = Schemas['LedgerSettings'];

export type PaperFigures = Schemas['PaperFigures'];

export type TimeFigures = Schemas['TimeFigures'];

export type LineKind = LedgerLine['kind'];
export type LineReason = LedgerLine['reason'];

/** One figure explained: which document version, placeholder or ballot, and how its copies add up. */
export type LedgerLine = Schemas['LedgerLine'];

export type ItemTime = Schemas['ItemTime'];

export type TimeLedger = Schemas['TimeLedger'];

export type LedgerSource = Schemas['LedgerSource'];

export type MeetingLedger = Schemas['MeetingLedger'];

export type BallotLedger = Schemas['BallotLedger'];

export type LedgerSummary = Schemas['LedgerSummary'];

export type LedgerReport = Schemas['LedgerReport'];

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
