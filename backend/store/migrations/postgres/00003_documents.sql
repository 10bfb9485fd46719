-- Documents of a session: metadata and classification, versions whose
-- content is stored here in 1 MiB chunks (so every instance serves every
-- document and a database backup is the document backup), numbered paper
-- copies of placeholders (custody), read receipts and private page notes.

-- +goose Up
-- Lets documents name an agenda item of their own session only.
CREATE UNIQUE INDEX agenda_items_id_meeting ON agenda_items (id, meeting_id);

CREATE TABLE documents (
    id              BIGSERIAL PRIMARY KEY,
    meeting_id      BIGINT      NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
    item_id         BIGINT,
    title           TEXT        NOT NULL CHECK (title <> ''),
    classification  TEXT        NOT NULL CHECK (classification IN ('none', 'confidential', 'secret', 'top_secret')),
    -- A placeholder stands for a paper-only document: it has pages on paper
    -- and never a file; an electronic document has files and no paper pages.
    placeholder     BOOLEAN     NOT NULL,
    paper_pages     INTEGER     NOT NULL DEFAULT 0,
    current_version INTEGER     NOT NULL DEFAULT 0 CHECK (current_version >= 0),
    created_by      BIGINT      NOT NULL REFERENCES members (id),
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL,
    FOREIGN KEY (item_id, meeting_id) REFERENCES agenda_items (id, meeting_id),
    CHECK ((placeholder AND paper_pages > 0 AND current_version = 0) OR (NOT placeholder AND paper_pages = 0))
);
CREATE INDEX documents_meeting ON documents (meeting_id);

CREATE TABLE document_versions (
    id          BIGSERIAL PRIMARY KEY,
    document_id BIGINT      NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    version     INTEGER     NOT NULL CHECK (version > 0),
    filename    TEXT        NOT NULL CHECK (filename <> ''),
    size        BIGINT      NOT NULL CHECK (size > 0),
    sha256      TEXT        NOT NULL CHECK (length(sha256) = 64),
    pages       INTEGER     NOT NULL CHECK (pages > 0),
    chunks      INTEGER     NOT NULL CHECK (chunks > 0),
    uploaded_by BIGINT      NOT NULL REFERENCES members (id),
    uploaded_at TIMESTAMPTZ NOT NULL,
    UNIQUE (document_id, version)
);

-- The content of a version: chunks n = 0 … chunks-1 of 1 MiB (the last shorter).
CREATE TABLE document_chunks (
    version_id BIGINT  NOT NULL REFERENCES document_versions (id) ON DELETE CASCADE,
    n          INTEGER NOT NULL CHECK (n >= 0),
    data       BYTEA   NOT NULL CHECK (length(data) BETWEEN 1 AND 1048576),
    PRIMARY KEY (version_id, n)
);
-- PDFs are compressed already: store chunks out of line without trying again.
ALTER TABLE document_chunks ALTER COLUMN data SET STORAGE EXTERNAL;

-- Numbered paper copies of a placeholder in custody: a copy number is out
-- at most once until returned; a member holds at most one copy at a time.
CREATE TABLE paper_copies (
    id            BIGSERIAL PRIMARY KEY,
    document_id   BIGINT      NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    copy_no       INTEGER     NOT NULL CHECK (copy_no > 0),
    holder_id     BIGINT      NOT NULL REFERENCES members (id),
    handed_out_at TIMESTAMPTZ NOT NULL,
    handed_out_by BIGINT      NOT NULL REFERENCES members (id),
    returned_at   TIMESTAMPTZ,
    received_by   BIGINT REFERENCES members (id),
    CHECK ((returned_at IS NULL) = (received_by IS NULL))
);
CREATE INDEX paper_copies_document ON paper_copies (document_id, copy_no);
CREATE UNIQUE INDEX paper_copies_copy_out ON paper_copies (document_id, copy_no) WHERE returned_at IS NULL;
CREATE UNIQUE INDEX paper_copies_holder_out ON paper_copies (document_id, holder_id) WHERE returned_at IS NULL;

-- The first time a member opened a version.
CREATE TABLE read_receipts (
    version_id      BIGINT      NOT NULL REFERENCES document_versions (id) ON DELETE CASCADE,
    member_id       BIGINT      NOT NULL REFERENCES members (id),
    first_opened_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (version_id, member_id)
);
CREATE INDEX read_receipts_member ON read_receipts (member_id);

-- Private notes, one per member and page of a document, across versions.
CREATE TABLE document_notes (
    document_id BIGINT      NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    member_id   BIGINT      NOT NULL REFERENCES members (id),
    page        INTEGER     NOT NULL CHECK (page > 0),
    text        TEXT        NOT NULL CHECK (text <> ''),
    updated_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (document_id, member_id, page)
);

-- +goose Down
DROP TABLE document_notes;
DROP TABLE read_receipts;
DROP TABLE paper_copies;
DROP TABLE document_chunks;
DROP TABLE document_versions;
DROP TABLE documents;
DROP INDEX agenda_items_id_meeting;
