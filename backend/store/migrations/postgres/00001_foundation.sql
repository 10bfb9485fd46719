-- Foundation: bodies, members and sign-in sessions.

-- +goose Up
CREATE TABLE bodies (
    id         BIGSERIAL PRIMARY KEY,
    slug       TEXT        NOT NULL UNIQUE,
    name       TEXT        NOT NULL,
    settings   TEXT        NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE members (
    id            BIGSERIAL PRIMARY KEY,
    body_id       BIGINT      NOT NULL REFERENCES bodies (id),
    username      TEXT        NOT NULL UNIQUE,
    password_hash TEXT        NOT NULL,
    full_name     TEXT        NOT NULL,
    title         TEXT        NOT NULL DEFAULT '',
    organization  TEXT        NOT NULL DEFAULT '',
    precedence    INTEGER     NOT NULL DEFAULT 0, -- order of protocol within a role
    role          TEXT        NOT NULL CHECK (role IN ('admin', 'secretary', 'chair', 'member', 'guest')),
    clearance     TEXT        NOT NULL CHECK (clearance IN ('none', 'confidential', 'secret', 'top_secret')),
    voting        BOOLEAN     NOT NULL DEFAULT FALSE,
    active        BOOLEAN     NOT NULL DEFAULT TRUE,
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX members_body ON members (body_id);

CREATE TABLE auth_sessions (
    id           TEXT        PRIMARY KEY, -- SHA-256 of the cookie token, hex
    member_id    BIGINT      NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    csrf_token   TEXT        NOT NULL,
    ip           TEXT        NOT NULL DEFAULT '',
    user_agent   TEXT        NOT NULL DEFAULT '',
    created_at   TIMESTAMPTZ NOT NULL,
    last_seen_at TIMESTAMPTZ NOT NULL,
    expires_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX auth_sessions_member ON auth_sessions (member_id);
CREATE INDEX auth_sessions_expires ON auth_sessions (expires_at);

-- +goose Down
DROP TABLE auth_sessions;
DROP TABLE members;
DROP TABLE bodies;
