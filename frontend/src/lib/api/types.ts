// JSON shapes of the API, as in backend/ecabinet/*.go. Times are RFC 3339 strings.

export type Role = 'admin' | 'secretary' | 'chair' | 'member' | 'guest';
export const ROLES: readonly Role[] = ['admin', 'secretary', 'chair', 'member', 'guest'];

/** Security level of a document and clearance of a member, lowest first. */
export type Classification = 'none' | 'confidential' | 'secret' | 'top_secret';
export const CLASSIFICATIONS: readonly Classification[] = ['none', 'confidential', 'secret', 'top_secret'];

export interface Member {
	id: number;
	body_id: number;
	username: string;
	full_name: string;
	title: string;
	organization: string;
	email: string;
	precedence: number;
	role: Role;
	clearance: Classification;
	voting: boolean;
	active: boolean;
	/** Whether the member has a second factor (TOTP) on. */
	mfa_enabled: boolean;
	created_at: string;
	updated_at: string;
}

export type PassRule = 'majority_of_all' | 'majority_of_cast';
export const PASS_RULES: readonly PassRule[] = ['majority_of_all', 'majority_of_cast'];

export type TieBreak = 'chair' | 'fails';
export const TIE_BREAKS: readonly TieBreak[] = ['chair', 'fails'];

export interface BodySettings {
	quorum_numerator: number;
	quorum_denominator: number;
	pass_rule: PassRule;
	tie_break: TieBreak;
	deputy_may_vote: boolean;
	electronic_max_classification: Classification;
	vote_change_allowed: boolean;
	ballot_answer_change_allowed: boolean;
	ballot_comment_required: boolean;
	ballot_reminder_minutes: number[];
	offline_reading: boolean;
	mfa_required: boolean;
	reserve_copies: number;
	duplex: boolean;
	cost_per_page_vnd: number;
	sheet_weight_mg: number;
	ballot_pages: number;
	target_time_saving_pc: number;
	task_reminder_days_before: number;
	task_reminder_days_after: number;
	speaking_minutes: number;
	timezone: string;
	/** What an uploaded PDF may cost to read: pages, and MiB its streams decode to (each, all). */
	document_max_pages: number;
	document_max_stream_mib: number;
	document_max_decoded_mib: number;
	/** Who signs each issued document, in order (member ids). */
	signers: SignerSettings;
}

export type IssuedKind = 'conclusion' | 'ballot_report' | 'minutes';

export interface SignerSettings {
	conclusion: number[] | null;
	ballot_report: number[] | null;
	minutes: number[] | null;
}

/** A PDF's digital signature as e-Cabinet checked it (backend/ecabinet/signing.go). */
export interface PDFSignature {
	signer: string;
	organization?: string;
	/** The member who signed, for a signature made in e-Cabinet. */
	member_id?: number;
	signed_at?: string;
	/** The signature verifies over the bytes it signs. */
	valid: boolean;
	/** The document changed after this signature (other than by further signatures). */
	modified: boolean;
	/** The certificate chains to a CA the body trusts. */
	trusted: boolean;
	not_after: string;
}

export interface Body {
	id: number;
	slug: string;
	name: string;
	settings: BodySettings;
	/** False once the operator deactivated the body. */
	active: boolean;
	created_at: string;
	updated_at: string;
}

/** The answer of login and GET /me. */
export interface Me {
	member: Member;
	body: Body;
	csrf_token: string;
	expires_at: string;
}

// --- Sessions (meetings) ---------------------------------------------------

export type MeetingKind = 'regular' | 'thematic' | 'extraordinary';
export const MEETING_KINDS: readonly MeetingKind[] = ['regular', 'thematic', 'extraordinary'];

/** draft → published → live ⇄ adjourned → closed. */
export type MeetingStatus = 'draft' | 'published' | 'live' | 'adjourned' | 'closed';
export type MeetingAction = 'publish' | 'start' | 'adjourn' | 'resume' | 'close';

export interface Quorum {
	present: number;
	total: number;
	required: number;
	reached: boolean;
}

export interface Meeting {
	id: number;
	body_id: number;
	kind: MeetingKind;
	title: string;
	status: MeetingStatus;
	scheduled_start: string;
	scheduled_end: string;
	place: string;
	remote_sites: string[];
	invitees: number[];
	started_at?: string;
	ended_at?: string;
	quorum_override?: { by: number; at: string; reason: string; quorum: Quorum };
	created_at: string;
	updated_at: string;
}

export interface MeetingInput {
	kind: MeetingKind;
	title: string;
	scheduled_start: string;
	scheduled_end: string;
	place: string;
	remote_sites: string[];
	invitees: number[];
}

export type AgendaStatus = 'pending' | 'active' | 'done' | 'deferred';

export interface AgendaItem {
	id: number;
	meeting_id: number;
	position: number;
	title: string;
	summary: string;
	presenter_id?: number;
	presenter_org: string;
	planned_minutes: number;
	status: AgendaStatus;
	started_at?: string;
	ended_at?: string;
}

export interface AgendaItemInput {
	title: string;
	summary: string;
	presenter_org: string;
	planned_minutes: number;
	/** 1-based place to insert at; 0 appends. Ignored on edit. */
	position: number;
}

export type AttendanceStatus = 'expected' | 'present' | 'absent' | 'deputy';

export interface Attendance {
	meeting_id: number;
	member_id: number;
	status: AttendanceStatus;
	checked_in_at?: string;
	recorded_by?: number;
	absence_reason?: string;
	deputy?: { full_name: string; title: string; approved_by: number };
	updated_at: string;
}

export interface AttendanceInput {
	status: AttendanceStatus;
	reason?: string;
	deputy_name?: string;
	deputy_title?: string;
}

export type SpeakerStatus = 'waiting' | 'speaking' | 'done' | 'withdrawn';

export interface Speaker {
	id: number;
	item_id: number;
	member_id: number;
	status: SpeakerStatus;
	requested_at: string;
	started_at?: string;
	ended_at?: string;
}

// --- Documents -------------------------------------------------------------

export interface DocumentVersion {
	id: number;
	document_id: number;
	version: number;
	filename: string;
	size: number;
	sha256: string;
	pages: number;
	uploaded_by: number;
	uploaded_at: string;
	/** The PDF's digital signatures, oldest first. */
	signatures?: PDFSignature[];
}

/** A document of a session (meeting_id) or of a written ballot (ballot_id). */
export interface Document {
	id: number;
	meeting_id?: number;
	ballot_id?: number;
	item_id?: number;
	title: string;
	classification: Classification;
	placeholder: boolean;
	paper_pages?: number;
	paper_copies?: number;
	/** The official document this is, issued and signed in e-Cabinet. */
	issued?: IssuedKind;
	current?: DocumentVersion;
	created_at: string;
	updated_at: string;
}

export interface DocumentInput {
	title: string;
	item_id?: number;
	classification: Classification;
	paper_pages?: number;
}

export interface Note {
	document_id: number;
	page: number;
	text: string;
	updated_at: string;
}

// --- Votes in session --------------------------------------------------------

export interface VoteOption {
	key: string;
	label: string;
}

export interface OptionCount extends VoteOption {
	count: number;
}

export interface Tally {
	counts: OptionCount[];
	cast: number;
	entitled: number;
	not_cast: number;
	base: number;
	required: number;
	rule: PassRule;
	/** pending: a written ballot still open has no outcome yet. */
	outcome: 'passed' | 'failed' | 'pending';
	adopted?: string;
	tie_broken_by_chair: boolean;
}

/** Who may vote, who has voted and who has not (GET /votes/{id}/turnout). */
export interface VoteTurnout {
	vote_id: number;
	entitled: number[];
	voted: number[];
	not_voted: number[];
}

export interface Vote {
	id: number;
	meeting_id: number;
	item_id: number;
	question: string;
	options: VoteOption[];
	secret: boolean;
	status: 'open' | 'closed';
	opened_by: number;
	opened_at: string;
	closed_at?: string;
	entitled: number[];
	quorum_at_open: Quorum;
	quorum_at_close?: Quorum;
	cast: number;
	result?: Tally;
	ballots?: { member_id: number; option: string }[];
	my_choice?: string;
	voted: boolean;
}

export interface VoteInput {
	item_id: number;
	question: string;
	secret: boolean;
}

/** Everything a tablet shows of a session: GET …/state and the meeting scope's snapshot. */
export interface MeetingState {
	meeting: Meeting;
	agenda: AgendaItem[];
	attendance: Attendance[];
	quorum: Quorum;
	speakers: Speaker[];
	documents: Document[];
	votes: Vote[];
	epoch: string;
	seq: number;
	/** When the server read the state, by its clock (speaking time counts from it). */
	server_time?: string;
}

// --- Written ballots -----------------------------------------------------------

export type BallotStatus = 'draft' | 'open' | 'closed';
export type BallotChoice = 'agree' | 'disagree' | 'other';
export const BALLOT_CHOICES: readonly BallotChoice[] = ['agree', 'disagree', 'other'];

export interface BallotQuestion {
	id: number;
	position: number;
	text: string;
}

export interface BallotAnswer {
	question_id: number;
	member_id: number;
	choice: BallotChoice;
	comment: string;
	answered_at: string;
	recorded_by?: number;
	paper_reason?: string;
	signed: boolean;
}

export interface Ballot {
	id: number;
	body_id: number;
	title: string;
	reason: string;
	status: BallotStatus;
	deadline: string;
	questions: BallotQuestion[];
	recipients: number[];
	created_by: number;
	created_at: string;
	opened_at?: string;
	closed_at?: string;
	closed_early: boolean;
	answered: number;
	/** The caller's own answers (absent from events). */
	mine?: BallotAnswer[];
}

export interface BallotInput {
	title: string;
	reason: string;
	deadline: string;
	questions: string[];
	recipients: number[];
}

export interface AnswerItem {
	question_id: number;
	choice: BallotChoice;
	comment: string;
}

export interface AnswerInput {
	answers: AnswerItem[];
	device_id?: number;
	signature?: string;
	paper_reason?: string;
}

export interface AnswerReceipt {
	ballot_id: number;
	member_id: number;
	answers: AnswerItem[];
	answered_at: string;
	signed: boolean;
	paper: boolean;
}

export interface QuestionResult {
	question: BallotQuestion;
	agree: number;
	disagree: number;
	other: number;
	not_returned: number;
	tally: Tally;
	opinions: { choice: BallotChoice; member_id: number; member: string; title: string; comment: string; paper: boolean }[];
}

export interface BallotResult {
	ballot: Ballot;
	questions: QuestionResult[];
	signed: number;
}

/** One recipient's answer to one question; choice is empty when not answered (ecabinet.ReportRow). */
export interface ReportRow {
	question: number;
	question_id: number;
	member_id: number;
	member: string;
	title: string;
	organization: string;
	choice: BallotChoice | '';
	comment: string;
	answered_at?: string;
	paper_reason?: string;
	signed: boolean;
}

/** GET /ballots/:id/report: rows per recipient and question, in the recipients' order. */
export interface BallotReport {
	body: Body;
	result: BallotResult;
	rows: ReportRow[];
	generated_at: string;
}

export interface Device {
	id: number;
	member_id: number;
	name: string;
	algorithm: 'Ed25519' | 'ECDSA-P256';
	public_key: string;
	created_at: string;
	revoked_at?: string;
}

export interface Notification {
	id: number;
	member_id: number;
	kind: string;
	subject: string;
	text: string;
	ref: string;
	created_at: string;
	email_status: string;
}

/** The body scope's snapshot: what the lists of sessions and ballots show. */
export interface BodyState {
	meetings: Meeting[];
	ballots: Ballot[];
	epoch: string;
	seq: number;
}

/** A numbered paper copy of a paper-only document, in custody. */
export interface PaperCopy {
	id: number;
	document_id: number;
	copy_no: number;
	holder_id: number;
	handed_out_at: string;
	handed_out_by: number;
	returned_at?: string;
	received_by?: number;
}
