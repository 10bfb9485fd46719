import type { Member, Role } from '$lib/api/types';

/**
 * Folds text for searching: lower case, no diacritics, đ as d, so that
 * "nguyen van" finds "Nguyễn Văn" (people type without tones on a tablet).
 */
export function fold(text: string): string {
	return text
		.normalize('NFD')
		.replace(/\p{M}/gu, '')
		.replace(/[đĐ]/g, 'd')
		.toLowerCase()
		.replace(/\s+/g, ' ')
		.trim();
}

/** The members whose name, title, organisation or username contain every word of query, in role. */
export function filterMembers(members: readonly Member[], query: string, role: Role | ''): Member[] {
	const words = fold(query).split(' ').filter(Boolean);
	return members.filter((m) => {
		if (role && m.role !== role) return false;
		if (words.length === 0) return true;
		const haystack = fold(`${m.full_name} ${m.title} ${m.organization} ${m.username}`);
		return words.every((w) => haystack.includes(w));
	});
}
