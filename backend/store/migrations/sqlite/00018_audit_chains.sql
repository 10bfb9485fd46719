-- One audit chain per body, so that bodies append in parallel instead of
-- queueing on one head row. Entries of no body (a failed login for an
-- unknown name) form chain 0. The single chain written before this
-- migration stays as it was (chain and seq NULL, audit_head its end) and
-- anchors the new ones: the first entry of every chain follows its head.
-- (SQLite has one writer at a time; the layout is PostgreSQL's.)

-- +goose Up
ALTER TABLE audit_log ADD COLUMN chain INTEGER;
ALTER TABLE audit_log ADD COLUMN seq INTEGER;
CREATE UNIQUE INDEX audit_log_chain_seq ON audit_log (chain, seq);

-- The end of each chain.
CREATE TABLE audit_chains (
    chain    INTEGER PRIMARY KEY, -- the body's id, 0 for entries of no body
    last_seq INTEGER NOT NULL,
    last_id  INTEGER NOT NULL,
    hash     TEXT    NOT NULL
);

-- +goose Down
DROP TABLE audit_chains;
DROP INDEX audit_log_chain_seq;
ALTER TABLE audit_log DROP COLUMN seq;
ALTER TABLE audit_log DROP COLUMN chain;
