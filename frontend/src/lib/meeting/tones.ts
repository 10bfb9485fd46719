import type { AgendaStatus, BallotStatus, Classification, MeetingStatus } from '$lib/api/types';

type Tone = 'neutral' | 'live' | 'good' | 'warn' | 'bad' | 'quiet';

export const MEETING_TONES: Record<MeetingStatus, Tone> = {
	draft: 'quiet',
	published: 'neutral',
	live: 'live',
	adjourned: 'warn',
	closed: 'quiet'
};

export const AGENDA_TONES: Record<AgendaStatus, Tone> = {
	pending: 'quiet',
	active: 'live',
	done: 'good',
	deferred: 'warn'
};

export const BALLOT_TONES: Record<BallotStatus, Tone> = { draft: 'quiet', open: 'neutral', closed: 'quiet' };

export const CLASSIFICATION_TONES: Record<Classification, Tone> = {
	none: 'quiet',
	confidential: 'warn',
	secret: 'bad',
	top_secret: 'bad'
};
