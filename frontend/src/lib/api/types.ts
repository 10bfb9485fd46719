// JSON shapes of the API, by the names the app uses: aliases of the schemas
// generated from the server's OpenAPI document (schema.d.ts, `npm run
// api:types`), which derives them from the Go types. Times are RFC 3339 strings.
import type { components } from './schema';

type Schemas = components['schemas'];

export type Role = Schemas['Member']['role'];
export const ROLES: readonly Role[] = ['admin', 'secretary', 'chair', 'member', 'guest'];

/** Security level of a document and clearance of a member, lowest first. */
export type Classification = Schemas['Member']['clearance'];
export const CLASSIFICATIONS: readonly Classification[] = ['none', 'confidential', 'secret', 'top_secret'];

export type Member = Schemas['Member'];

export type PassRule = Schemas['BodySettings']['pass_rule'];
export const PASS_RULES: readonly PassRule[] = ['majority_of_all', 'majority_of_cast'];

export type TieBreak = Schemas['BodySettings']['tie_break'];
export const TIE_BREAKS: readonly TieBreak[] = ['chair', 'fails'];

export type BodySettings = Schemas['BodySettings'];
export type Body = Schemas['Body'];

/** The answer of login and GET /me. */
export type Me = Schemas['HttpMeResponse'];

// --- Sessions (meetings) ---------------------------------------------------

export type MeetingKind = Schemas['Meeting']['kind'];
export const MEETING_KINDS: readonly MeetingKind[] = ['regular', 'thematic', 'extraordinary'];

/** draft → published → live ⇄ adjourned → closed. */
export type MeetingStatus = Schemas['Meeting']['status'];
export type MeetingAction = Schemas['HttpTransitionRequest']['action'];

export type Quorum = Schemas['Quorum'];
export type Meeting = Schemas['Meeting'];
export type MeetingInput = Schemas['MeetingInput'];
export type AgendaStatus = Schemas['AgendaItem']['status'];
export type AgendaItem = Schemas['AgendaItem'];
export type AgendaItemInput = Schemas['AgendaItemInput'];
export type AttendanceStatus = Schemas['Attendance']['status'];
export type Attendance = Schemas['Attendance'];
export type AttendanceInput = Schemas['AttendanceInput'];
export type SpeakerStatus = Schemas['Speaker']['status'];
export type Speaker = Schemas['Speaker'];

// --- Documents -------------------------------------------------------------

export type DocumentVersion = Schemas['DocumentVersion'];
/** A document of a session (meeting_id) or of a written ballot (ballot_id). */
export type Document = Schemas['Document'];
export type DocumentInput = Schemas['DocumentInput'];
export type Note = Schemas['Note'];
/** A numbered paper copy of a paper-only document, in custody. */
export type PaperCopy = Schemas['PaperCopy'];

// --- Votes in session --------------------------------------------------------

export type VoteOption = Schemas['VoteOption'];
export type OptionCount = Schemas['OptionCount'];
export type Tally = Schemas['Tally'];
/** Who may vote, who has voted and who has not (GET /votes/{id}/turnout). */
export type VoteTurnout = Schemas['VoteTurnout'];
export type Vote = Schemas['Vote'];
export type VoteInput = Schemas['VoteInput'];

/** Everything a tablet shows of a session: GET …/state and the meeting scope's snapshot. */
export type MeetingState = Schemas['MeetingState'];

// --- Written ballots -----------------------------------------------------------

export type BallotStatus = Schemas['Ballot']['status'];
export type BallotChoice = Schemas['AnswerItem']['choice'];
export const BALLOT_CHOICES: readonly BallotChoice[] = ['agree', 'disagree', 'other'];

export type BallotQuestion = Schemas['BallotQuestion'];
export type BallotAnswer = Schemas['BallotAnswer'];
export type Ballot = Schemas['Ballot'];
export type BallotInput = Schemas['BallotInput'];
export type AnswerItem = Schemas['AnswerItem'];
export type AnswerInput = Schemas['AnswerInput'];
export type AnswerReceipt = Schemas['AnswerReceipt'];
export type QuestionResult = Schemas['QuestionResult'];
export type BallotResult = Schemas['BallotResult'];
/** One recipient's answer to one question; choice is empty when not answered. */
export type ReportRow = Schemas['ReportRow'];
/** GET /ballots/:id/report: rows per recipient and question, in the recipients' order. */
export type BallotReport = Schemas['BallotReport'];

export type Device = Schemas['Device'];
export type Notification = Schemas['Notification'];

/** The body scope's snapshot (over the WebSocket, not in the OpenAPI document): what the lists of sessions and ballots show. */
export interface BodyState {
	meetings: Meeting[];
	ballots: Ballot[];
	epoch: string;
	seq: number;
}

// --- Positions before a session, the consent block and minutes ------------------

/** An item's place in the consent block: in it, pulled out, or decided with it ('' when none). */
export type ConsentState = NonNullable<Schemas['AgendaItem']['consent']>;
export type Stance = Schemas['MemberPosition']['stance'];
export const STANCES: readonly Stance[] = ['no_objection', 'wish_to_speak', 'object'];
export type Position = Schemas['MemberPosition'];
export type StanceCounts = Schemas['StanceCounts'];
/** Counts always; names for the chair and the secretariat (members where the body shows them). */
export type ItemPositions = Schemas['ItemPositions'];
export type PositionsView = Schemas['PositionsView'];
export type MinutesStatus = Schemas['Minutes']['status'];
export type Minutes = Schemas['Minutes'];

// --- Digital signatures (ký số) ----------------------------------------------------

/** Who signs each issued document, in order (member ids). */
export type SignerSettings = Schemas['BodySettings']['signers'];
export type IssuedKind = NonNullable<Schemas['Document']['issued']>;
/** A PDF's digital signature as e-Cabinet checked it (backend/ecabinet/signing.go). */
export type PDFSignature = Schemas['PDFSignature'];
