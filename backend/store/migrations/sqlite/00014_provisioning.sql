-- Provisioning: bodies that an operator can deactivate, the organisations
-- (ministries, provinces) a body keeps as a list, and one-time links that
-- let a member set their own password.

-- +goose Up
ALTER TABLE bodies ADD COLUMN active INTEGER NOT NULL DEFAULT 1;

-- Members, task leads, co-operating units and the statistics name
-- organisations of this list, so that one organisation has one spelling.
CREATE TABLE organizations (
    id      INTEGER PRIMARY KEY AUTOINCREMENT,
    body_id INTEGER NOT NULL REFERENCES bodies (id),
    name    TEXT    NOT NULL CHECK (name <> ''),
    UNIQUE (body_id, name)
);

-- Every organisation already named.
INSERT INTO organizations (body_id, name)
SELECT body_id, organization FROM members WHERE organization <> ''
UNION SELECT body_id, lead_org FROM tasks WHERE lead_org IS NOT NULL
UNION SELECT body_id, organization FROM tasks WHERE organization <> ''
UNION SELECT t.body_id, u.value FROM tasks AS t, json_each(t.co_units) AS u WHERE u.value <> '';

-- A one-time link sets the password of its member: the first admin's (made
-- by the operator's command) or anyone's after a reset (made by an admin).
-- Only the SHA-256 of its token is stored; a used or expired link is kept
-- so that opening it again says so.
CREATE TABLE password_links (
    id         TEXT        PRIMARY KEY, -- SHA-256 of the token, hex
    member_id  INTEGER     NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    created_by INTEGER REFERENCES members (id), -- NULL: the operator's command
    created_at DATETIME    NOT NULL,
    expires_at DATETIME    NOT NULL,
    used_at    DATETIME
);
CREATE INDEX password_links_member ON password_links (member_id);

-- +goose Down
DROP TABLE password_links;
DROP TABLE organizations;
ALTER TABLE bodies DROP COLUMN active;
