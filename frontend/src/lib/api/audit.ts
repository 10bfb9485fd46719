import { api } from './index';
import { query } from './query';

/** One record of the tamper-evident audit log (backend/ecabinet/audit.go). */
export interface AuditEntry {
	id: number;
	at: string;
	body_id?: number;
	actor_id?: number;
	action: string;
	/** What it is about: "member:12", "meeting:3", a username for a failed login. */
	subject: string;
	detail?: unknown;
	ip?: string;
	/** The salt of the commitment to subject and detail (content). */
	salt?: string;
	/** What the hash covers of subject and detail: Commitment(salt, subject, detail). */
	content?: string;
	/** About a document above the reader's clearance: subject, detail and salt are left out. */
	redacted?: boolean;
	prev_hash: string;
	hash: string;
}

/** Up to limit entries of the body's log after the entry id after, oldest first (admin). */
export function listAudit(after: number, limit: number, signal?: AbortSignal): Promise<AuditEntry[]> {
	return api.get<AuditEntry[]>(`/audit${query({ after, limit })}`, { signal });
}
