-- Savings ledger and follow-up of assigned tasks: when each session was
-- published (documents count as distributed from then), conclusion notices,
-- tasks with exactly one lead, progress reports and reminders.

-- +goose Up
ALTER TABLE meetings ADD COLUMN published_at DATETIME;
-- Sessions published before this migration: the first event that showed
-- them published, else their creation.
UPDATE meetings SET published_at = COALESCE(
    (SELECT MIN(e.created_at) FROM events e
      WHERE e.scope = 'meeting:' || meetings.id AND e.type = 'meeting.updated' AND e.payload NOT LIKE '%"status":"draft"%'),
    created_at)
WHERE status <> 'draft';
-- SQLite cannot add a table constraint: triggers keep the same invariant.
-- +goose StatementBegin
CREATE TRIGGER meetings_published_at_insert BEFORE INSERT ON meetings
WHEN (NEW.status = 'draft') <> (NEW.published_at IS NULL)
BEGIN
    SELECT RAISE(ABORT, 'CHECK constraint failed: meetings_published_at');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER meetings_published_at_update BEFORE UPDATE ON meetings
WHEN (NEW.status = 'draft') <> (NEW.published_at IS NULL)
BEGIN
    SELECT RAISE(ABORT, 'CHECK constraint failed: meetings_published_at');
END;
-- +goose StatementEnd

-- One conclusion notice per session.
CREATE TABLE conclusions (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    body_id      INTEGER      NOT NULL REFERENCES bodies (id),
    meeting_id   INTEGER      NOT NULL UNIQUE REFERENCES meetings (id) ON DELETE CASCADE,
    number       TEXT        NOT NULL DEFAULT '',
    title        TEXT        NOT NULL CHECK (title <> ''),
    text         TEXT        NOT NULL DEFAULT '',
    status       TEXT        NOT NULL CHECK (status IN ('draft', 'published')),
    created_by   INTEGER      NOT NULL REFERENCES members (id),
    created_at   DATETIME NOT NULL,
    updated_at   DATETIME NOT NULL,
    published_at DATETIME,
    published_by INTEGER REFERENCES members (id),
    CHECK ((status = 'published') = (published_at IS NOT NULL AND published_by IS NOT NULL))
);
CREATE INDEX conclusions_body ON conclusions (body_id, status);

-- The conclusion on each agenda item it covers.
CREATE TABLE conclusion_items (
    conclusion_id INTEGER  NOT NULL REFERENCES conclusions (id) ON DELETE CASCADE,
    item_id       INTEGER  NOT NULL REFERENCES agenda_items (id) ON DELETE CASCADE,
    position      INTEGER NOT NULL,
    text          TEXT    NOT NULL DEFAULT '',
    PRIMARY KEY (conclusion_id, item_id)
);

-- A task comes from exactly one source and has exactly one lead; its
-- status is derived from deadline, completed_at and the clock.
CREATE TABLE tasks (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    body_id        INTEGER      NOT NULL REFERENCES bodies (id),
    conclusion_id  INTEGER REFERENCES conclusions (id),
    item_id        INTEGER REFERENCES agenda_items (id),
    ballot_id      INTEGER REFERENCES ballots (id),
    title          TEXT        NOT NULL CHECK (title <> ''),
    description    TEXT        NOT NULL DEFAULT '',
    lead_org       TEXT CHECK (lead_org <> ''),
    lead_member_id INTEGER REFERENCES members (id),
    organization   TEXT        NOT NULL DEFAULT '', -- credited in statistics
    co_units       TEXT        NOT NULL DEFAULT '[]', -- JSON array of organisation names
    due_date       TEXT        NOT NULL,              -- YYYY-MM-DD in the body's time zone
    deadline       DATETIME NOT NULL,              -- the end of due_date
    assigned_by    INTEGER      NOT NULL REFERENCES members (id),
    assigned_at    DATETIME NOT NULL,
    completed_at   DATETIME,
    updated_at     DATETIME NOT NULL,
    CHECK ((lead_org IS NULL) <> (lead_member_id IS NULL)),
    CHECK ((conclusion_id IS NULL) <> (ballot_id IS NULL)),
    CHECK (item_id IS NULL OR conclusion_id IS NOT NULL),
    CHECK (completed_at IS NULL OR completed_at >= assigned_at)
);
CREATE INDEX tasks_body_assigned ON tasks (body_id, assigned_at);
CREATE INDEX tasks_body_organization ON tasks (body_id, organization);
CREATE INDEX tasks_lead_member ON tasks (lead_member_id);
CREATE INDEX tasks_conclusion ON tasks (conclusion_id);
CREATE INDEX tasks_ballot ON tasks (ballot_id);
CREATE INDEX tasks_open ON tasks (deadline) WHERE completed_at IS NULL;

CREATE TABLE task_reports (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    task_id     INTEGER      NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    reported_by INTEGER      NOT NULL REFERENCES members (id),
    note        TEXT        NOT NULL CHECK (note <> ''),
    done        BOOLEAN     NOT NULL,
    created_at  DATETIME NOT NULL
);
CREATE INDEX task_reports_task ON task_reports (task_id, created_at);
-- At most one report completes a task.
CREATE UNIQUE INDEX task_reports_one_done ON task_reports (task_id) WHERE done;

-- Automatic reminders already sent (one row per task and kind, whatever
-- instance sent it), with how many members were told.
CREATE TABLE task_reminders (
    task_id    INTEGER      NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    kind       TEXT        NOT NULL CHECK (kind IN ('before', 'after')),
    recipients INTEGER     NOT NULL,
    sent_at    DATETIME NOT NULL,
    PRIMARY KEY (task_id, kind)
);

-- +goose Down
DROP TABLE task_reminders;
DROP TABLE task_reports;
DROP TABLE tasks;
DROP TABLE conclusion_items;
DROP TABLE conclusions;
DROP TRIGGER meetings_published_at_update;
DROP TRIGGER meetings_published_at_insert;
ALTER TABLE meetings DROP COLUMN published_at;
