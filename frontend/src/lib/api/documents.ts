import { api } from './index';
import type { Document, DocumentInput, Note, PaperCopy } from './types';

export function createDocument(meetingId: number, input: DocumentInput): Promise<Document> {
	return api.post<Document>(`/meetings/${meetingId}/documents`, input);
}

/** The documents of a ballot the caller may see (recipients once it is sent, up to their clearance). */
export function listBallotDocuments(ballotId: number, signal?: AbortSignal): Promise<Document[]> {
	return api.get<Document[]>(`/ballots/${ballotId}/documents`, { signal });
}

/** Attaches a document to a draft ballot (secretariat); its PDF is uploaded next. */
export function createBallotDocument(ballotId: number, input: DocumentInput): Promise<Document> {
	return api.post<Document>(`/ballots/${ballotId}/documents`, input);
}

export function getDocument(id: number, signal?: AbortSignal): Promise<Document> {
	return api.get<Document>(`/documents/${id}`, { signal });
}

/** The address of a version's PDF, stamped with the reader's name (range requests work). */
export function contentUrl(documentId: number, versionId: number): string {
	return `/api/v1/documents/${documentId}/versions/${versionId}/content`;
}

/** The address a new version is uploaded to (multipart field `file`). */
export function versionsUrl(documentId: number): string {
	return `/api/v1/documents/${documentId}/versions`;
}

export function listNotes(documentId: number, signal?: AbortSignal): Promise<Note[]> {
	return api.get<Note[]>(`/documents/${documentId}/notes`, { signal });
}

/** Writes the caller's note on a page; blank text deletes it. */
export function putNote(documentId: number, page: number, text: string): Promise<Note> {
	return api.put<Note>(`/documents/${documentId}/notes/${page}`, { text });
}

/** Per invitee, the current versions they are cleared for and have not opened (secretariat). */
export function listUnread(meetingId: number, signal?: AbortSignal): Promise<{ member_id: number; version_ids: number[] }[]> {
	return api.get<{ member_id: number; version_ids: number[] }[]>(`/meetings/${meetingId}/unread`, { signal });
}

/** The numbered paper copies of a paper-only document, out and returned (secretariat). */
export function listCopies(documentId: number, signal?: AbortSignal): Promise<PaperCopy[]> {
	return api.get<PaperCopy[]>(`/documents/${documentId}/copies`, { signal });
}

/** Hands a new numbered copy (or, with copyNo, a returned one again) to a cleared member. */
export function handOutCopy(documentId: number, holderId: number, copyNo?: number): Promise<PaperCopy> {
	return api.post<PaperCopy>(`/documents/${documentId}/copies`, copyNo ? { holder_id: holderId, copy_no: copyNo } : { holder_id: holderId });
}

export function returnCopy(documentId: number, copyId: number): Promise<PaperCopy> {
	return api.post<PaperCopy>(`/documents/${documentId}/copies/${copyId}/return`);
}
