import { describe, expect, it } from 'vitest';
import { isCurrent, NAV_ITEMS, navFor } from './nav';

const hrefs = (role: Parameters<typeof navFor>[0]) => navFor(role).map((i) => i.href);

describe('navigation', () => {
	it('shows each role only the screens it has', () => {
		expect(hrefs('member')).toEqual(['/', '/meetings', '/ballots', '/conclusions', '/tasks', '/members', '/account']);
		expect(hrefs('guest')).toEqual(['/', '/meetings', '/conclusions', '/tasks', '/members', '/account']);
		expect(hrefs('chair')).toEqual(['/', '/meetings', '/ballots', '/conclusions', '/tasks', '/savings', '/members', '/settings', '/account']);
		expect(hrefs('secretary')).toEqual(['/', '/meetings', '/ballots', '/conclusions', '/tasks', '/savings', '/members', '/settings', '/account']);
		expect(hrefs('admin')).toEqual([
			'/',
			'/meetings',
			'/ballots',
			'/conclusions',
			'/tasks',
			'/savings',
			'/members',
			'/organizations',
			'/audit',
			'/signing',
			'/settings',
			'/account'
		]);
	});

	it('describes ballots to those who answer them, and to the secretariat who issues them', () => {
		const hint = (role: Parameters<typeof navFor>[0]) => navFor(role).find((i) => i.href === '/ballots')?.hint;
		expect([hint('member'), hint('chair')]).toEqual(['ballotsHint', 'ballotsHint']);
		expect([hint('secretary'), hint('admin')]).toEqual(['ballotsIssueHint', 'ballotsIssueHint']);
		expect(navFor('secretary').find((i) => i.href === '/meetings')?.hint).toBe('meetingsHint');
	});

	it('marks the current screen', () => {
		const home = NAV_ITEMS[0];
		const members = NAV_ITEMS.find((i) => i.href === '/members')!;
		expect(isCurrent(home, '/')).toBe(true);
		expect(isCurrent(home, '/members')).toBe(false);
		expect(isCurrent(members, '/members')).toBe(true);
		expect(isCurrent(members, '/members/12')).toBe(true);
		expect(isCurrent(members, '/membership')).toBe(false);
	});
});
