-- Event log (per-scope sequences, outbox for the relay) and the meeting itself:
-- sessions, agenda, attendance and the speaking queue.

-- +goose Up
CREATE TABLE event_streams (
    scope    TEXT   PRIMARY KEY,
    body_id  BIGINT NOT NULL REFERENCES bodies (id),
    epoch    TEXT   NOT NULL,
    last_seq BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE events (
    id            BIGSERIAL PRIMARY KEY,
    scope         TEXT        NOT NULL,
    seq           BIGINT      NOT NULL,
    type          TEXT        NOT NULL,
    payload       TEXT        NOT NULL,
    min_clearance TEXT        NOT NULL DEFAULT 'none',
    audience      TEXT        NOT NULL DEFAULT '',
    recipients    TEXT        NOT NULL DEFAULT '', -- JSON array of member ids, or empty
    created_at    TIMESTAMPTZ NOT NULL,
    UNIQUE (scope, seq)
);

-- Committed events not yet published to the bus.
CREATE TABLE event_outbox (
    event_id BIGINT PRIMARY KEY REFERENCES events (id) ON DELETE CASCADE
);

CREATE TABLE meetings (
    id              BIGSERIAL PRIMARY KEY,
    body_id         BIGINT      NOT NULL REFERENCES bodies (id),
    kind            TEXT        NOT NULL CHECK (kind IN ('regular', 'thematic', 'extraordinary')),
    title           TEXT        NOT NULL,
    status          TEXT        NOT NULL CHECK (status IN ('draft', 'published', 'live', 'adjourned', 'closed')),
    scheduled_start TIMESTAMPTZ NOT NULL,
    scheduled_end   TIMESTAMPTZ NOT NULL,
    place           TEXT        NOT NULL DEFAULT '',
    remote_sites    TEXT        NOT NULL DEFAULT '[]',
    started_at      TIMESTAMPTZ,
    ended_at        TIMESTAMPTZ,
    override_by     BIGINT REFERENCES members (id),
    override_at     TIMESTAMPTZ,
    override_reason TEXT,
    override_quorum TEXT,
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX meetings_body_start ON meetings (body_id, scheduled_start);

CREATE TABLE agenda_items (
    id              BIGSERIAL PRIMARY KEY,
    meeting_id      BIGINT      NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
    position        INTEGER     NOT NULL,
    title           TEXT        NOT NULL,
    summary         TEXT        NOT NULL DEFAULT '',
    presenter_id    BIGINT REFERENCES members (id),
    presenter_org   TEXT        NOT NULL DEFAULT '',
    planned_minutes INTEGER     NOT NULL CHECK (planned_minutes > 0),
    status          TEXT        NOT NULL CHECK (status IN ('pending', 'active', 'done', 'deferred')),
    started_at      TIMESTAMPTZ,
    ended_at        TIMESTAMPTZ,
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX agenda_items_meeting ON agenda_items (meeting_id, position);
-- While a session is live exactly one item is active: never two.
CREATE UNIQUE INDEX agenda_items_one_active ON agenda_items (meeting_id) WHERE status = 'active';

-- Attendance rows are the invitees of a session.
CREATE TABLE attendance (
    meeting_id         BIGINT      NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
    member_id          BIGINT      NOT NULL REFERENCES members (id),
    status             TEXT        NOT NULL CHECK (status IN ('expected', 'present', 'absent', 'deputy')),
    checked_in_at      TIMESTAMPTZ,
    recorded_by        BIGINT REFERENCES members (id),
    absence_reason     TEXT        NOT NULL DEFAULT '',
    deputy_name        TEXT        NOT NULL DEFAULT '',
    deputy_title       TEXT        NOT NULL DEFAULT '',
    deputy_approved_by BIGINT REFERENCES members (id),
    updated_at         TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (meeting_id, member_id)
);
CREATE INDEX attendance_member ON attendance (member_id);

CREATE TABLE speakers (
    id           BIGSERIAL PRIMARY KEY,
    meeting_id   BIGINT      NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
    item_id      BIGINT      NOT NULL REFERENCES agenda_items (id) ON DELETE CASCADE,
    member_id    BIGINT      NOT NULL REFERENCES members (id),
    status       TEXT        NOT NULL CHECK (status IN ('waiting', 'speaking', 'done', 'withdrawn')),
    requested_at TIMESTAMPTZ NOT NULL,
    started_at   TIMESTAMPTZ,
    ended_at     TIMESTAMPTZ
);
CREATE INDEX speakers_item ON speakers (item_id, requested_at);
-- One open request per member and item; one speaker at a time per item.
CREATE UNIQUE INDEX speakers_one_open ON speakers (item_id, member_id) WHERE status IN ('waiting', 'speaking');
CREATE UNIQUE INDEX speakers_one_speaking ON speakers (item_id) WHERE status = 'speaking';

-- +goose Down
DROP TABLE speakers;
DROP TABLE attendance;
DROP TABLE agenda_items;
DROP TABLE meetings;
DROP TABLE event_outbox;
DROP TABLE events;
DROP TABLE event_streams;
