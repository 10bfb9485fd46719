-- The tamper-evident audit log: append-only, hash-chained. And second
-- factors (TOTP) with recovery codes.

-- +goose Up
CREATE TABLE audit_log (
    id        INTEGER  PRIMARY KEY, -- assigned in chain order
    at        DATETIME NOT NULL,
    body_id   INTEGER,
    actor_id  INTEGER,
    action    TEXT     NOT NULL,
    subject   TEXT     NOT NULL DEFAULT '',
    detail    TEXT     NOT NULL DEFAULT '',
    ip        TEXT     NOT NULL DEFAULT '',
    prev_hash TEXT     NOT NULL,
    hash      TEXT     NOT NULL
);
CREATE INDEX audit_log_body ON audit_log (body_id, id);

-- The end of the chain.
CREATE TABLE audit_head (
    one     INTEGER PRIMARY KEY CHECK (one = 1),
    last_id INTEGER NOT NULL,
    hash    TEXT    NOT NULL
);
INSERT INTO audit_head (one, last_id, hash) VALUES (1, 0, 'e-cabinet audit log v1');

-- +goose StatementBegin
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
-- +goose StatementEnd

ALTER TABLE members ADD COLUMN mfa_secret TEXT NOT NULL DEFAULT '';
ALTER TABLE members ADD COLUMN mfa_enabled INTEGER NOT NULL DEFAULT 0;
ALTER TABLE members ADD COLUMN mfa_last_step INTEGER NOT NULL DEFAULT 0;

-- A sign-in that must enrol a second factor before anything else.
ALTER TABLE auth_sessions ADD COLUMN mfa_pending INTEGER NOT NULL DEFAULT 0;

CREATE TABLE recovery_codes (
    member_id INTEGER  NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    code_hash TEXT     NOT NULL,
    used_at   DATETIME,
    PRIMARY KEY (member_id, code_hash)
);

-- +goose Down
DROP TABLE recovery_codes;
ALTER TABLE auth_sessions DROP COLUMN mfa_pending;
ALTER TABLE members DROP COLUMN mfa_last_step;
ALTER TABLE members DROP COLUMN mfa_enabled;
ALTER TABLE members DROP COLUMN mfa_secret;
DROP TRIGGER audit_log_no_delete;
DROP TRIGGER audit_log_no_update;
DROP TABLE audit_head;
DROP TABLE audit_log;
