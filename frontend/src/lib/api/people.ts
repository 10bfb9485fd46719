// The body's people: organisations, the CSV import and export of members,
// one-time password links and the login limit (backend/http/people.go).
import { api } from './index';
import { query } from './query';
import type { components } from './schema';

type Schemas = components['schemas'];

/** A ministry, province or other unit, with who and what names it. */
export type Organization = Schemas['Organization'];

export function listOrganizations(signal?: AbortSignal): Promise<Organization[]> {
	return api.get<Organization[]>('/organizations', { signal });
}

export function createOrganization(name: string): Promise<Organization> {
	return api.post<Organization>('/organizations', { name });
}

export function renameOrganization(id: number, name: string): Promise<Organization> {
	return api.put<Organization>(`/organizations/${id}`, { name });
}

export function deleteOrganization(id: number): Promise<void> {
	return api.delete<void>(`/organizations/${id}`);
}

export type ImportAction = ImportLine['action'];

/** What an import does, or would do, with one line of the file. */
export type ImportLine = Schemas['ImportLine'];

export type ImportReport = Schemas['ImportReport'];

/** The header of the members' CSV file, import and export alike. */
export const MEMBERS_CSV_HEADER = 'username,full_name,title,organization,role,clearance,voting,email';

/**
 * Imports a members' CSV file: a dry run unless dryRun is false (then
 * written only when every line is valid).
 */
export function importMembers(csv: string, opts: { dryRun: boolean; createOrganizations: boolean }): Promise<ImportReport> {
	return api.post<ImportReport>(`/members/import${query({ dry_run: opts.dryRun, create_organizations: opts.createOrganizations })}`, undefined, {
		raw: { data: csv, contentType: 'text/csv; charset=utf-8' }
	});
}

/** Every member as CSV, for download. */
export const membersCsvUrl = '/api/v1/members/export.csv';

/** A one-time link that lets a member set their own password. */
export type PasswordLink = Schemas['PasswordLink'];

export function issuePasswordLink(memberId: number): Promise<PasswordLink> {
	return api.post<PasswordLink>(`/members/${memberId}/password-link`);
}

/** A member's failed logins against the limit per username. */
export type LoginLimit = Schemas['LoginLimit'];

export function loginLimit(memberId: number, signal?: AbortSignal): Promise<LoginLimit> {
	return api.get<LoginLimit>(`/members/${memberId}/login-limit`, { signal });
}

export function unlockMember(memberId: number): Promise<void> {
	return api.delete<void>(`/members/${memberId}/login-limit`);
}

/** Whose password a one-time link sets. */
export type PasswordLinkInfo = Schemas['PasswordLinkInfo'];

export function inspectPasswordLink(token: string): Promise<PasswordLinkInfo> {
	return api.post<PasswordLinkInfo>('/password-links/inspect', { token }, { unauthenticatedIsAnswer: true });
}

export function usePasswordLink(token: string, password: string): Promise<{ username: string }> {
	return api.post<{ username: string }>('/password-links/use', { token, password }, { unauthenticatedIsAnswer: true });
}
