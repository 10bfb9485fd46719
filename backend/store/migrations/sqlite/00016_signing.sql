-- Digital signatures (ký số): the signing certificates of the body's
-- signers with their private keys sealed (AES-256-GCM, never returned),
-- the CAs the body trusts, the official documents e-Cabinet issues and
-- signs, and what each stored PDF's signatures say.

-- +goose Up
CREATE TABLE signing_certificates (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    body_id     INTEGER     NOT NULL REFERENCES bodies (id),
    member_id   INTEGER     NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    subject     TEXT        NOT NULL,
    issuer      TEXT        NOT NULL,
    serial      TEXT        NOT NULL,
    not_before  DATETIME    NOT NULL,
    not_after   DATETIME    NOT NULL,
    chain_pem   TEXT        NOT NULL CHECK (chain_pem <> ''), -- the certificate, then the chain the file carried
    sealed_key  TEXT        NOT NULL CHECK (sealed_key <> ''),
    created_by  INTEGER     NOT NULL REFERENCES members (id),
    created_at  DATETIME    NOT NULL,
    UNIQUE (member_id) -- one certificate per signer: an import replaces it
);

CREATE TABLE trusted_cas (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    body_id    INTEGER     NOT NULL REFERENCES bodies (id),
    subject    TEXT        NOT NULL,
    sha256     TEXT        NOT NULL CHECK (length(sha256) = 64),
    not_after  DATETIME    NOT NULL,
    cert_pem   TEXT        NOT NULL CHECK (cert_pem <> ''),
    created_by INTEGER     NOT NULL REFERENCES members (id),
    created_at DATETIME    NOT NULL,
    UNIQUE (body_id, sha256)
);

-- An issued document (conclusion notice, ballot report, minutes) is a
-- document of its session or ballot; one of each kind per owner.
ALTER TABLE documents ADD COLUMN issued TEXT CHECK (issued IN ('conclusion', 'ballot_report', 'minutes'));
CREATE UNIQUE INDEX documents_meeting_issued ON documents (meeting_id, issued) WHERE issued IS NOT NULL AND meeting_id IS NOT NULL;
CREATE UNIQUE INDEX documents_ballot_issued ON documents (ballot_id, issued) WHERE issued IS NOT NULL AND ballot_id IS NOT NULL;

-- The signatures of a version's PDF as read at upload or signing (JSON,
-- with each signer's certificate chain); NULL for a PDF without any.
ALTER TABLE document_versions ADD COLUMN signatures TEXT;
-- The member who signed in e-Cabinet to make this version, if one did.
ALTER TABLE document_versions ADD COLUMN signed_by INTEGER REFERENCES members (id);

-- +goose Down
ALTER TABLE document_versions DROP COLUMN signed_by;
ALTER TABLE document_versions DROP COLUMN signatures;
DROP INDEX documents_ballot_issued;
DROP INDEX documents_meeting_issued;
ALTER TABLE documents DROP COLUMN issued;
DROP TABLE trusted_cas;
DROP TABLE signing_certificates;
