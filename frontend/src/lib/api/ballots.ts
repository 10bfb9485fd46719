import { api } from './index';
import type { AnswerInput, AnswerReceipt, Ballot, BallotInput, BallotReport, BallotResult } from './types';

const b = (id: number) => `/ballots/${id}`;

/** The ballots the caller may see, newest first, with the caller's answers. */
export function listBallots(signal?: AbortSignal): Promise<Ballot[]> {
	return api.get<Ballot[]>('/ballots', { signal });
}

export function getBallot(id: number, signal?: AbortSignal): Promise<Ballot> {
	return api.get<Ballot>(b(id), { signal });
}

export function createBallot(input: BallotInput): Promise<Ballot> {
	return api.post<Ballot>('/ballots', input);
}

export function updateBallot(id: number, input: BallotInput): Promise<Ballot> {
	return api.put<Ballot>(b(id), input);
}

/** Sends a draft to its recipients. */
export function openBallot(id: number): Promise<Ballot> {
	return api.post<Ballot>(`${b(id)}/open`);
}

/** Closes before the deadline, once every recipient has answered. */
export function closeBallot(id: number): Promise<Ballot> {
	return api.post<Ballot>(`${b(id)}/close`);
}

/** Answers; a retry with the same key returns the stored receipt and is not counted again. */
export function answerBallot(id: number, input: AnswerInput, idempotencyKey: string): Promise<AnswerReceipt> {
	return api.post<AnswerReceipt>(`${b(id)}/answers`, input, { headers: { 'Idempotency-Key': idempotencyKey } });
}

export function getBallotResult(id: number, signal?: AbortSignal): Promise<BallotResult> {
	return api.get<BallotResult>(`${b(id)}/result`, { signal });
}

/** Reminds the recipients who have not answered; returns how many. */
export function remindBallot(id: number): Promise<{ reminded: number }> {
	return api.post<{ reminded: number }>(`${b(id)}/remind`);
}

/** The report (Báo cáo tổng hợp ý kiến) as PDF, for download. */
export function reportPdfUrl(id: number): string {
	return `/api/v1${b(id)}/report.pdf`;
}

/** The report of every answer (CSV, UTF-8), for download. */
export function reportCsvUrl(id: number): string {
	return `/api/v1${b(id)}/report.csv`;
}

/** Every recipient's answer to every question (secretariat): who has answered, on paper or signed. */
export function getBallotReport(id: number, signal?: AbortSignal): Promise<BallotReport> {
	return api.get<BallotReport>(`${b(id)}/report`, { signal });
}

/** Records a member's paper answer on their behalf, with the reason (secretariat). */
export function recordPaperAnswer(id: number, memberId: number, input: AnswerInput, idempotencyKey: string): Promise<AnswerReceipt> {
	return api.post<AnswerReceipt>(`${b(id)}/answers/${memberId}`, input, { headers: { 'Idempotency-Key': idempotencyKey } });
}
