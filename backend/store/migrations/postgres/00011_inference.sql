-- Nothing above a reader's clearance is inferable. An audit entry commits
-- to what it is about (subject and detail) through a salted hash, which
-- the chain covers instead of the text: an entry redacted for a reader
-- keeps its place in a chain the reader still verifies, and its hash no
-- longer lets anyone search the few documents and versions it could name.
-- Entries written before keep no salt and hash their text.

-- +goose Up
ALTER TABLE audit_log ADD COLUMN salt TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE audit_log DROP COLUMN salt;
