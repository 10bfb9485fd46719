import { api } from './index';
import type { Document, IssuedKind } from './types';

// Digital signatures (ký số), backend/ecabinet/signing.go.

/** A signer's certificate as the body imported it (never its key). */
export interface SigningCertificate {
	id: number;
	member_id: number;
	subject: string;
	issuer: string;
	serial: string;
	not_before: string;
	not_after: string;
	created_at: string;
}

export interface TrustedCA {
	id: number;
	subject: string;
	sha256: string;
	not_after: string;
	created_at: string;
}

/** An issued document with who signs it and who has. */
export interface IssuedDocument {
	kind: IssuedKind;
	subject_id: number;
	document?: Document;
	signers: number[];
	signed_by: number[];
}

/** The signer's password, or their second-factor code when they have one. */
export interface Confirmation {
	password?: string;
	totp?: string;
}

const owner = (kind: IssuedKind) => (kind === 'ballot_report' ? 'ballots' : 'meetings');

export function getIssued(kind: IssuedKind, subjectId: number, signal?: AbortSignal): Promise<IssuedDocument> {
	return api.get<IssuedDocument>(`/${owner(kind)}/${subjectId}/issued/${kind}`, { signal });
}

export function signIssued(kind: IssuedKind, subjectId: number, proof: Confirmation): Promise<IssuedDocument> {
	return api.post<IssuedDocument>(`/${owner(kind)}/${subjectId}/issued/${kind}`, proof);
}

/** The address of a version's PDF exactly as stored: the signed original (a download, audited). */
export function originalUrl(documentId: number, versionId: number): string {
	return `/api/v1/documents/${documentId}/versions/${versionId}/original`;
}

export function listCertificates(signal?: AbortSignal): Promise<SigningCertificate[]> {
	return api.get<SigningCertificate[]>('/signing/certificates', { signal });
}

/** Imports a PKCS#12 file (base64) with its password for a member with a signing role. */
export function importCertificate(memberId: number, pkcs12: string, password: string): Promise<SigningCertificate> {
	return api.post<SigningCertificate>('/signing/certificates', { member_id: memberId, pkcs12, password });
}

export function deleteCertificate(id: number): Promise<void> {
	return api.delete<void>(`/signing/certificates/${id}`);
}

export function listTrustedCAs(signal?: AbortSignal): Promise<TrustedCA[]> {
	return api.get<TrustedCA[]>('/signing/cas', { signal });
}

/** Trusts the CA certificates of a PEM or DER file (base64). */
export function addTrustedCAs(certificate: string): Promise<TrustedCA[]> {
	return api.post<TrustedCA[]>('/signing/cas', { certificate });
}

export function deleteTrustedCA(id: number): Promise<void> {
	return api.delete<void>(`/signing/cas/${id}`);
}

/** A file's bytes in base64, as the signing routes take files. */
export async function fileBase64(file: Blob): Promise<string> {
	const bytes = new Uint8Array(await file.arrayBuffer());
	let bin = '';
	for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
	return btoa(bin);
}
