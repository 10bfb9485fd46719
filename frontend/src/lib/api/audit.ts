import { api } from './index';
import { query } from './query';
import type { components } from './schema';

/** One record of the tamper-evident audit log (backend/ecabinet/audit.go). */
export type AuditEntry = components['schemas']['AuditEntry'];

/** Up to limit entries of the body's log after the entry id after, oldest first (admin). */
export function listAudit(after: number, limit: number, signal?: AbortSignal): Promise<AuditEntry[]> {
	return api.get<AuditEntry[]>(`/audit${query({ after, limit })}`, { signal });
}
