-- Votes in session, written ballots, idempotency keys, device keys for signed
-- answers, and the notification log.

-- +goose Up
ALTER TABLE members ADD COLUMN email TEXT NOT NULL DEFAULT '';

CREATE TABLE votes (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    body_id       INTEGER      NOT NULL REFERENCES bodies (id),
    meeting_id    INTEGER      NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
    item_id       INTEGER      NOT NULL REFERENCES agenda_items (id) ON DELETE CASCADE,
    question      TEXT        NOT NULL,
    options       TEXT        NOT NULL, -- JSON [{key,label}]
    secret        BOOLEAN     NOT NULL,
    status        TEXT        NOT NULL CHECK (status IN ('open', 'closed')),
    opened_by     INTEGER      NOT NULL REFERENCES members (id),
    opened_at     DATETIME    NOT NULL,
    closed_at     DATETIME   ,
    entitled      TEXT        NOT NULL, -- JSON [member id], fixed at opening
    quorum_open   TEXT        NOT NULL, -- JSON Quorum
    quorum_close  TEXT,
    result        TEXT,                 -- JSON Tally, computed from the stored votes at closing
    progress_at   DATETIME              -- last live count pushed
);
CREATE INDEX votes_meeting ON votes (meeting_id);
-- One open vote per session at a time.
CREATE UNIQUE INDEX votes_one_open ON votes (meeting_id) WHERE status = 'open';

-- Who voted. For a named vote the row also holds the choice; for a secret
-- vote it does not (option is NULL) and holds no time.
CREATE TABLE vote_participation (
    vote_id   INTEGER NOT NULL REFERENCES votes (id) ON DELETE CASCADE,
    member_id INTEGER NOT NULL REFERENCES members (id),
    option    TEXT,
    cast_at   DATETIME   ,
    cast_by   INTEGER REFERENCES members (id), -- the secretariat, for a voting deputy
    PRIMARY KEY (vote_id, member_id)
);

-- What was chosen in secret votes: no member, no time, a random key, so
-- nothing relates or orders a choice against the participation rows.
CREATE TABLE vote_secret_choices (
    id      TEXT   PRIMARY KEY,
    vote_id INTEGER NOT NULL REFERENCES votes (id) ON DELETE CASCADE,
    option  TEXT   NOT NULL
) WITHOUT ROWID; -- no rowid: rows are kept in the order of their random key, not of insertion
CREATE INDEX vote_secret_choices_vote ON vote_secret_choices (vote_id);

CREATE TABLE ballots (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    body_id      INTEGER      NOT NULL REFERENCES bodies (id),
    title        TEXT        NOT NULL,
    reason       TEXT        NOT NULL DEFAULT '',
    status       TEXT        NOT NULL CHECK (status IN ('draft', 'open', 'closed')),
    deadline     DATETIME    NOT NULL,
    created_by   INTEGER      NOT NULL REFERENCES members (id),
    created_at   DATETIME    NOT NULL,
    updated_at   DATETIME    NOT NULL,
    opened_at    DATETIME   ,
    closed_at    DATETIME   ,
    closed_early BOOLEAN     NOT NULL DEFAULT 0,
    progress_at  DATETIME   
);
CREATE INDEX ballots_body ON ballots (body_id, created_at);
CREATE INDEX ballots_due ON ballots (status, deadline);

CREATE TABLE ballot_questions (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    ballot_id INTEGER  NOT NULL REFERENCES ballots (id) ON DELETE CASCADE,
    position  INTEGER NOT NULL,
    text      TEXT    NOT NULL
);
CREATE INDEX ballot_questions_ballot ON ballot_questions (ballot_id, position);

CREATE TABLE ballot_recipients (
    ballot_id INTEGER NOT NULL REFERENCES ballots (id) ON DELETE CASCADE,
    member_id INTEGER NOT NULL REFERENCES members (id),
    PRIMARY KEY (ballot_id, member_id)
);
CREATE INDEX ballot_recipients_member ON ballot_recipients (member_id);

CREATE TABLE devices (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    member_id  INTEGER      NOT NULL REFERENCES members (id),
    name       TEXT        NOT NULL,
    algorithm  TEXT        NOT NULL CHECK (algorithm IN ('Ed25519', 'ECDSA-P256')),
    public_key TEXT        NOT NULL, -- base64 of the SubjectPublicKeyInfo (DER)
    created_at DATETIME    NOT NULL,
    revoked_at DATETIME   
);
CREATE INDEX devices_member ON devices (member_id);

-- A signed answer: the exact message the device signed and the signature,
-- so every signature can be checked again offline (ecabinet ballot-verify).
CREATE TABLE ballot_signatures (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    ballot_id  INTEGER      NOT NULL REFERENCES ballots (id) ON DELETE CASCADE,
    member_id  INTEGER      NOT NULL REFERENCES members (id),
    device_id  INTEGER      NOT NULL REFERENCES devices (id),
    message    TEXT        NOT NULL,
    signature  TEXT        NOT NULL,
    created_at DATETIME    NOT NULL
);
CREATE INDEX ballot_signatures_ballot ON ballot_signatures (ballot_id);

-- One answer per member and question is the primary key.
CREATE TABLE ballot_answers (
    ballot_id    INTEGER      NOT NULL REFERENCES ballots (id) ON DELETE CASCADE,
    question_id  INTEGER      NOT NULL REFERENCES ballot_questions (id) ON DELETE CASCADE,
    member_id    INTEGER      NOT NULL REFERENCES members (id),
    choice       TEXT        NOT NULL CHECK (choice IN ('agree', 'disagree', 'other')),
    comment      TEXT        NOT NULL DEFAULT '',
    answered_at  DATETIME    NOT NULL,
    recorded_by  INTEGER REFERENCES members (id),
    paper_reason TEXT        NOT NULL DEFAULT '',
    signature_id INTEGER REFERENCES ballot_signatures (id),
    PRIMARY KEY (question_id, member_id)
);
CREATE INDEX ballot_answers_ballot ON ballot_answers (ballot_id, member_id);

-- Automatic reminders already sent, so each goes once whatever instance runs.
CREATE TABLE ballot_reminders (
    ballot_id      INTEGER      NOT NULL REFERENCES ballots (id) ON DELETE CASCADE,
    member_id      INTEGER      NOT NULL REFERENCES members (id),
    minutes_before INTEGER     NOT NULL,
    sent_at        DATETIME    NOT NULL,
    PRIMARY KEY (ballot_id, member_id, minutes_before)
);

CREATE TABLE notifications (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    body_id      INTEGER      NOT NULL REFERENCES bodies (id),
    member_id    INTEGER      NOT NULL REFERENCES members (id),
    kind         TEXT        NOT NULL,
    subject      TEXT        NOT NULL,
    text         TEXT        NOT NULL,
    ref          TEXT        NOT NULL DEFAULT '',
    created_at   DATETIME    NOT NULL,
    email_status TEXT        NOT NULL CHECK (email_status IN ('none', 'pending', 'sent', 'failed')),
    email_error  TEXT        NOT NULL DEFAULT ''
);
CREATE INDEX notifications_member ON notifications (member_id, created_at);
CREATE INDEX notifications_pending ON notifications (email_status) WHERE email_status = 'pending';

-- A retried request with the same key gets the stored answer.
CREATE TABLE idempotency_keys (
    member_id    INTEGER      NOT NULL REFERENCES members (id),
    key          TEXT        NOT NULL,
    request_hash TEXT        NOT NULL,
    response     TEXT        NOT NULL DEFAULT '',
    created_at   DATETIME    NOT NULL,
    PRIMARY KEY (member_id, key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);

-- +goose Down
DROP TABLE idempotency_keys;
DROP TABLE notifications;
DROP TABLE ballot_reminders;
DROP TABLE ballot_answers;
DROP TABLE ballot_signatures;
DROP TABLE devices;
DROP TABLE ballot_recipients;
DROP TABLE ballot_questions;
DROP TABLE ballots;
DROP TABLE vote_secret_choices;
DROP TABLE vote_participation;
DROP TABLE votes;
ALTER TABLE members DROP COLUMN email;
