-- One audit chain per body, so that bodies append in parallel instead of
-- queueing on one head row. Entries of no body (a failed login for an
-- unknown name) form chain 0. The single chain written before this
-- migration stays as it was (chain and seq NULL, audit_head its end) and
-- anchors the new ones: the first entry of every chain follows its head.

-- +goose Up
ALTER TABLE audit_log ADD COLUMN chain BIGINT;
ALTER TABLE audit_log ADD COLUMN seq BIGINT;
CREATE UNIQUE INDEX audit_log_chain_seq ON audit_log (chain, seq);

-- The end of each chain; appenders of one body queue on its row.
CREATE TABLE audit_chains (
    chain    BIGINT PRIMARY KEY, -- the body's id, 0 for entries of no body
    last_seq BIGINT NOT NULL,
    last_id  BIGINT NOT NULL,
    hash     TEXT   NOT NULL
);

-- Entry ids stay unique across chains; within a chain they grow in chain
-- order (taken under the chain's lock).
CREATE SEQUENCE audit_log_ids;
SELECT setval('audit_log_ids', (SELECT last_id FROM audit_head) + 1, false);

-- +goose Down
DROP SEQUENCE audit_log_ids;
DROP TABLE audit_chains;
DROP INDEX audit_log_chain_seq;
ALTER TABLE audit_log DROP COLUMN seq;
ALTER TABLE audit_log DROP COLUMN chain;
