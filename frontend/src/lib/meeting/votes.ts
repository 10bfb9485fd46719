import type { Messages } from '$lib/i18n/vi';
import type { Vote, VoteOption } from '$lib/api/types';

/** An option's label in the app's language: the standard ones translated, custom ones as written. */
export function optionLabel(option: VoteOption, t: Messages): string {
	return t.votes.options[option.key] ?? option.label;
}

/** What the member can do about a vote: cast, wait (already voted), or only watch. */
export function voterState(vote: Vote, memberId: number): 'cast' | 'voted' | 'not-entitled' {
	if (vote.voted) return 'voted';
	return vote.entitled.includes(memberId) ? 'cast' : 'not-entitled';
}
