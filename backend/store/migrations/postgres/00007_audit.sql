-- The tamper-evident audit log: append-only, hash-chained. And second
-- factors (TOTP) with recovery codes.

-- +goose Up
CREATE TABLE audit_log (
    id        BIGINT      PRIMARY KEY, -- assigned in chain order
    at        TIMESTAMPTZ NOT NULL,
    body_id   BIGINT,
    actor_id  BIGINT,
    action    TEXT        NOT NULL,
    subject   TEXT        NOT NULL DEFAULT '',
    detail    TEXT        NOT NULL DEFAULT '',
    ip        TEXT        NOT NULL DEFAULT '',
    prev_hash TEXT        NOT NULL,
    hash      TEXT        NOT NULL
);
CREATE INDEX audit_log_body ON audit_log (body_id, id);

-- The end of the chain; appenders queue on this row.
CREATE TABLE audit_head (
    one     INTEGER PRIMARY KEY CHECK (one = 1),
    last_id BIGINT  NOT NULL,
    hash    TEXT    NOT NULL
);
INSERT INTO audit_head (one, last_id, hash) VALUES (1, 0, 'e-cabinet audit log v1');

-- +goose StatementBegin
CREATE FUNCTION audit_log_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only';
END
$$ LANGUAGE plpgsql;
-- +goose StatementEnd
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM PUBLIC;

ALTER TABLE members ADD COLUMN mfa_secret TEXT NOT NULL DEFAULT '';
ALTER TABLE members ADD COLUMN mfa_enabled BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE members ADD COLUMN mfa_last_step BIGINT NOT NULL DEFAULT 0;

-- A sign-in that must enrol a second factor before anything else.
ALTER TABLE auth_sessions ADD COLUMN mfa_pending BOOLEAN NOT NULL DEFAULT FALSE;

CREATE TABLE recovery_codes (
    member_id BIGINT      NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    code_hash TEXT        NOT NULL, -- SHA-256 of the code
    used_at   TIMESTAMPTZ,
    PRIMARY KEY (member_id, code_hash)
);

-- +goose Down
DROP TABLE recovery_codes;
ALTER TABLE auth_sessions DROP COLUMN mfa_pending;
ALTER TABLE members DROP COLUMN mfa_last_step;
ALTER TABLE members DROP COLUMN mfa_enabled;
ALTER TABLE members DROP COLUMN mfa_secret;
DROP TRIGGER audit_log_no_truncate ON audit_log;
DROP TRIGGER audit_log_no_update ON audit_log;
DROP FUNCTION audit_log_append_only();
DROP TABLE audit_head;
DROP TABLE audit_log;
