-- Documents of written ballots: a document belongs to a session or to a
-- ballot, exactly one of them (a written ballot sends the draft decree or
-- report it asks about). Versions, chunks, read receipts, notes and paper
-- copies hang off the document and need no change. A ballot document has
-- no agenda item.
--
-- SQLite cannot drop the NOT NULL of documents.meeting_id, so the table is
-- rebuilt by SQLite's own procedure (https://sqlite.org/lang_altertable.html,
-- "other kinds of table schema changes"): with foreign keys off, create the
-- new table, copy every row with its id, drop the old table, rename the new
-- one, and create its index again. Foreign keys must be off for the drop:
-- with them on, DROP TABLE deletes every row first and the ON DELETE CASCADE
-- of document_versions, paper_copies and document_notes would delete every
-- version, chunk, copy and note. The pragma cannot change inside a
-- transaction, hence NO TRANSACTION here and an explicit one around the
-- rebuild (goose runs this file on one connection). The tables that refer to
-- documents name it, not the old table, so they refer to the new one after
-- the rename. No trigger or view names documents; its only index is
-- documents_meeting. The AUTOINCREMENT counter moves to the new table
-- (sqlite_sequence), so the id of a document deleted before this migration
-- is never given again (the audit log names documents by id).

-- +goose NO TRANSACTION
-- +goose Up
PRAGMA foreign_keys = OFF;
BEGIN IMMEDIATE;
CREATE TABLE documents_new (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    meeting_id      INTEGER     REFERENCES meetings (id) ON DELETE CASCADE,
    ballot_id       INTEGER     REFERENCES ballots (id) ON DELETE CASCADE,
    item_id         INTEGER,
    title           TEXT        NOT NULL CHECK (title <> ''),
    classification  TEXT        NOT NULL CHECK (classification IN ('none', 'confidential', 'secret', 'top_secret')),
    -- A placeholder stands for a paper-only document: it has pages on paper
    -- and never a file; an electronic document has files and no paper pages.
    placeholder     INTEGER     NOT NULL,
    paper_pages     INTEGER     NOT NULL DEFAULT 0,
    current_version INTEGER     NOT NULL DEFAULT 0 CHECK (current_version >= 0),
    created_by      INTEGER     NOT NULL REFERENCES members (id),
    created_at      DATETIME    NOT NULL,
    updated_at      DATETIME    NOT NULL,
    FOREIGN KEY (item_id, meeting_id) REFERENCES agenda_items (id, meeting_id),
    CHECK ((placeholder AND paper_pages > 0 AND current_version = 0) OR (NOT placeholder AND paper_pages = 0)),
    CONSTRAINT documents_one_owner CHECK ((meeting_id IS NULL) <> (ballot_id IS NULL)),
    CONSTRAINT documents_item_of_meeting CHECK (item_id IS NULL OR meeting_id IS NOT NULL)
);
INSERT INTO documents_new (id, meeting_id, ballot_id, item_id, title, classification, placeholder, paper_pages, current_version,
    created_by, created_at, updated_at)
SELECT id, meeting_id, NULL, item_id, title, classification, placeholder, paper_pages, current_version,
    created_by, created_at, updated_at FROM documents;
DELETE FROM sqlite_sequence WHERE name = 'documents_new';
INSERT INTO sqlite_sequence (name, seq) SELECT 'documents_new', seq FROM sqlite_sequence WHERE name = 'documents';
DROP TABLE documents;
ALTER TABLE documents_new RENAME TO documents;
CREATE INDEX documents_meeting ON documents (meeting_id);
CREATE INDEX documents_ballot ON documents (ballot_id);
COMMIT;
PRAGMA foreign_keys = ON;

-- +goose Down
PRAGMA foreign_keys = OFF;
BEGIN IMMEDIATE;
DELETE FROM document_notes WHERE document_id IN (SELECT id FROM documents WHERE ballot_id IS NOT NULL);
DELETE FROM paper_copies WHERE document_id IN (SELECT id FROM documents WHERE ballot_id IS NOT NULL);
DELETE FROM read_receipts WHERE version_id IN (SELECT v.id FROM document_versions AS v JOIN documents AS d ON d.id = v.document_id WHERE d.ballot_id IS NOT NULL);
DELETE FROM document_chunks WHERE version_id IN (SELECT v.id FROM document_versions AS v JOIN documents AS d ON d.id = v.document_id WHERE d.ballot_id IS NOT NULL);
DELETE FROM document_versions WHERE document_id IN (SELECT id FROM documents WHERE ballot_id IS NOT NULL);
CREATE TABLE documents_old (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    meeting_id      INTEGER     NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
    item_id         INTEGER,
    title           TEXT        NOT NULL CHECK (title <> ''),
    classification  TEXT        NOT NULL CHECK (classification IN ('none', 'confidential', 'secret', 'top_secret')),
    placeholder     INTEGER     NOT NULL,
    paper_pages     INTEGER     NOT NULL DEFAULT 0,
    current_version INTEGER     NOT NULL DEFAULT 0 CHECK (current_version >= 0),
    created_by      INTEGER     NOT NULL REFERENCES members (id),
    created_at      DATETIME    NOT NULL,
    updated_at      DATETIME    NOT NULL,
    FOREIGN KEY (item_id, meeting_id) REFERENCES agenda_items (id, meeting_id),
    CHECK ((placeholder AND paper_pages > 0 AND current_version = 0) OR (NOT placeholder AND paper_pages = 0))
);
INSERT INTO documents_old (id, meeting_id, item_id, title, classification, placeholder, paper_pages, current_version,
    created_by, created_at, updated_at)
SELECT id, meeting_id, item_id, title, classification, placeholder, paper_pages, current_version,
    created_by, created_at, updated_at FROM documents WHERE meeting_id IS NOT NULL;
DELETE FROM sqlite_sequence WHERE name = 'documents_old';
INSERT INTO sqlite_sequence (name, seq) SELECT 'documents_old', seq FROM sqlite_sequence WHERE name = 'documents';
DROP TABLE documents;
ALTER TABLE documents_old RENAME TO documents;
CREATE INDEX documents_meeting ON documents (meeting_id);
COMMIT;
PRAGMA foreign_keys = ON;
