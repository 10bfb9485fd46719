-- Shorter sessions: members' positions on agenda items before the session,
-- the consent block formed from them at the cut-off, the minutes drafted
-- from the record when a session closes, and Web Push subscriptions.

-- +goose Up
-- positions_cutoff: NULL means the default (the evening before the start).
-- positions_closed_at: when the cut-off was applied and the block formed.
-- consent_taken_at: when the chair took the block with one decision
-- (consent_vote_id names the vote when the body decides it by vote).
ALTER TABLE meetings ADD COLUMN positions_cutoff TIMESTAMPTZ;
ALTER TABLE meetings ADD COLUMN positions_closed_at TIMESTAMPTZ;
ALTER TABLE meetings ADD COLUMN consent_taken_at TIMESTAMPTZ;
-- consent_vote_id names a vote of the same session (checked when the block
-- is taken; votes go only with their session); no foreign key, so that
-- SQLite can drop the column when going down.
ALTER TABLE meetings ADD COLUMN consent_vote_id BIGINT;

-- positions_open: the secretariat asks members' positions on the item.
-- consent: '' not in the block; block: in it; pulled: a member pulled it
-- out to discussion; decided: taken with the block.
ALTER TABLE agenda_items ADD COLUMN positions_open BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE agenda_items ADD COLUMN consent TEXT NOT NULL DEFAULT '' CHECK (consent IN ('', 'block', 'pulled', 'decided'));

-- One position per member and item; a change replaces it (audited).
CREATE TABLE positions (
    item_id    BIGINT   NOT NULL REFERENCES agenda_items (id) ON DELETE CASCADE,
    member_id  BIGINT   NOT NULL REFERENCES members (id),
    meeting_id BIGINT   NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
    stance     TEXT     NOT NULL CHECK (stance IN ('no_objection', 'wish_to_speak', 'object')),
    reason     TEXT     NOT NULL DEFAULT '',
    updated_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (item_id, member_id),
    CHECK (stance <> 'object' OR reason <> '')
);
CREATE INDEX positions_meeting ON positions (meeting_id);

-- The quorum at each lifecycle transition, for the minutes.
CREATE TABLE meeting_quorums (
    meeting_id BIGINT   NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
    at         TIMESTAMPTZ NOT NULL,
    action     TEXT     NOT NULL,
    present    INTEGER  NOT NULL,
    required   INTEGER  NOT NULL,
    reached    BOOLEAN  NOT NULL
);
CREATE INDEX meeting_quorums_meeting ON meeting_quorums (meeting_id, at);

-- Minutes (biên bản): versions of a session's minutes. A published version
-- is final; a correction is a new version, the old one kept.
CREATE TABLE minutes (
    meeting_id   BIGINT   NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
    version      INTEGER  NOT NULL CHECK (version > 0),
    body_id      BIGINT   NOT NULL REFERENCES bodies (id),
    status       TEXT     NOT NULL CHECK (status IN ('draft', 'published')),
    text         TEXT     NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL,
    published_at TIMESTAMPTZ,
    published_by BIGINT REFERENCES members (id),
    PRIMARY KEY (meeting_id, version),
    CHECK ((status = 'published') = (published_at IS NOT NULL AND published_by IS NOT NULL))
);

-- Web Push: the subscriptions of members' tablets, with the language their
-- notices are written in, and the server's VAPID key pair (one row).
CREATE TABLE push_subscriptions (
    id         BIGSERIAL PRIMARY KEY,
    member_id  BIGINT   NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    endpoint   TEXT     NOT NULL UNIQUE,
    p256dh     TEXT     NOT NULL,
    auth       TEXT     NOT NULL,
    lang       TEXT     NOT NULL CHECK (lang IN ('vi', 'en')),
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX push_subscriptions_member ON push_subscriptions (member_id);

CREATE TABLE push_vapid (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    public_key  TEXT NOT NULL,
    private_key TEXT NOT NULL
);

-- A notification waits to be pushed like it waits to be e-mailed; topic is
-- the title of the session or ballot it concerns (never a document's), put
-- into the pushed text in the language of each subscription.
ALTER TABLE notifications ADD COLUMN push_status TEXT NOT NULL DEFAULT 'none' CHECK (push_status IN ('none', 'pending', 'sent', 'failed'));
ALTER TABLE notifications ADD COLUMN topic TEXT NOT NULL DEFAULT '';
CREATE INDEX notifications_push_pending ON notifications (push_status) WHERE push_status = 'pending';

-- +goose Down
DROP INDEX notifications_push_pending;
ALTER TABLE notifications DROP COLUMN topic;
ALTER TABLE notifications DROP COLUMN push_status;
DROP TABLE push_vapid;
DROP TABLE push_subscriptions;
DROP TABLE minutes;
DROP TABLE meeting_quorums;
DROP TABLE positions;
ALTER TABLE agenda_items DROP COLUMN consent;
ALTER TABLE agenda_items DROP COLUMN positions_open;
ALTER TABLE meetings DROP COLUMN consent_vote_id;
ALTER TABLE meetings DROP COLUMN consent_taken_at;
ALTER TABLE meetings DROP COLUMN positions_closed_at;
ALTER TABLE meetings DROP COLUMN positions_cutoff;
