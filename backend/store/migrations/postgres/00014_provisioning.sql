-- Provisioning: bodies that an operator can deactivate, the organisations
-- (ministries, provinces) a body keeps as a list, and one-time links that
-- let a member set their own password.

-- +goose Up
ALTER TABLE bodies ADD COLUMN active BOOLEAN NOT NULL DEFAULT TRUE;

-- Members, task leads, co-operating units and the statistics name
-- organisations of this list, so that one organisation has one spelling.
CREATE TABLE organizations (
    id      BIGSERIAL PRIMARY KEY,
    body_id BIGINT NOT NULL REFERENCES bodies (id),
    name    TEXT   NOT NULL CHECK (name <> ''),
    UNIQUE (body_id, name)
);

-- Every organisation already named.
INSERT INTO organizations (body_id, name)
SELECT body_id, organization FROM members WHERE organization <> ''
UNION SELECT body_id, lead_org FROM tasks WHERE lead_org IS NOT NULL
UNION SELECT body_id, organization FROM tasks WHERE organization <> ''
UNION SELECT t.body_id, u.name FROM tasks AS t, json_array_elements_text(t.co_units::json) AS u(name) WHERE u.name <> '';

-- A one-time link sets the password of its member: the first admin's (made
-- by the operator's command) or anyone's after a reset (made by an admin).
-- Only the SHA-256 of its token is stored; a used or expired link is kept
-- so that opening it again says so.
CREATE TABLE password_links (
    id         TEXT        PRIMARY KEY, -- SHA-256 of the token, hex
    member_id  BIGINT      NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    created_by BIGINT REFERENCES members (id), -- NULL: the operator's command
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    used_at    TIMESTAMPTZ
);
CREATE INDEX password_links_member ON password_links (member_id);

-- +goose Down
DROP TABLE password_links;
DROP TABLE organizations;
ALTER TABLE bodies DROP COLUMN active;
