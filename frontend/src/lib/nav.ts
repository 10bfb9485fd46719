import { ROLES, type Role } from '$lib/api/types';
import type { Messages } from '$lib/i18n/vi';

export type IconName =
	| 'home'
	| 'meetings'
	| 'ballots'
	| 'conclusions'
	| 'tasks'
	| 'savings'
	| 'members'
	| 'organizations'
	| 'audit'
	| 'settings'
	| 'account';

type Hint = Extract<keyof Messages['home'], `${string}Hint`>;

/** One entry of the main navigation. Only screens that work are listed. */
export interface NavItem {
	href: string;
	label: Exclude<keyof Messages['nav'], 'label'>;
	/** A one-line description for the home screen's shortcuts. */
	hint?: Hint;
	/** The description for the secretariat (secretary, admin) where their work there differs. */
	secretariatHint?: Hint;
	icon: IconName;
	roles: readonly Role[];
}

/** Who issues written ballots and follows the answers, but answers none. */
const SECRETARIAT: readonly Role[] = ['admin', 'secretary'];

/** The chair and the secretariat: who reads the savings ledger and runs sessions. */
const PRESIDING: readonly Role[] = ['admin', 'secretary', 'chair'];

export const NAV_ITEMS: readonly NavItem[] = [
	{ href: '/', label: 'home', icon: 'home', roles: ROLES },
	{ href: '/meetings', label: 'meetings', hint: 'meetingsHint', icon: 'meetings', roles: ROLES },
	// Written ballots go to members and the chair; the secretariat issues them.
	{ href: '/ballots', label: 'ballots', hint: 'ballotsHint', secretariatHint: 'ballotsIssueHint', icon: 'ballots', roles: ['admin', 'secretary', 'chair', 'member'] },
	{ href: '/conclusions', label: 'conclusions', hint: 'conclusionsHint', icon: 'conclusions', roles: ROLES },
	{ href: '/tasks', label: 'tasks', hint: 'tasksHint', icon: 'tasks', roles: ROLES },
	{ href: '/savings', label: 'savings', hint: 'savingsHint', icon: 'savings', roles: PRESIDING },
	{ href: '/members', label: 'members', hint: 'membersHint', icon: 'members', roles: ROLES },
	// The admin keeps the list of organisations that members and tasks name.
	{ href: '/organizations', label: 'organizations', hint: 'organizationsHint', icon: 'organizations', roles: ['admin'] },
	{ href: '/audit', label: 'audit', hint: 'auditHint', icon: 'audit', roles: ['admin'] },
	// Trusted CAs, signers' certificates and who signs what: the admin's.
	{ href: '/signing', label: 'signing', hint: 'signingHint', icon: 'settings', roles: ['admin'] },
	// The body's rules: the admin edits them; the chair and the secretariat run meetings by them.
	{ href: '/settings', label: 'settings', hint: 'settingsHint', icon: 'settings', roles: PRESIDING },
	{ href: '/account', label: 'account', icon: 'account', roles: ROLES }
];

/** The entries a role sees, in order, each hint the one for that role. */
export function navFor(role: Role): NavItem[] {
	return NAV_ITEMS.filter((item) => item.roles.includes(role)).map((item) =>
		item.secretariatHint && SECRETARIAT.includes(role) ? { ...item, hint: item.secretariatHint } : item
	);
}

/** Whether pathname is the item's screen or below it. */
export function isCurrent(item: NavItem, pathname: string): boolean {
	if (item.href === '/') return pathname === '/';
	return pathname === item.href || pathname.startsWith(item.href + '/');
}
