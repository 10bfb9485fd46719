-- Documents of written ballots: a document belongs to a session or to a
-- ballot, exactly one of them (a written ballot sends the draft decree or
-- report it asks about). Versions, chunks, read receipts, notes and paper
-- copies hang off the document and need no change. A ballot document has
-- no agenda item.

-- +goose Up
ALTER TABLE documents
    ALTER COLUMN meeting_id DROP NOT NULL,
    ADD COLUMN ballot_id BIGINT REFERENCES ballots (id) ON DELETE CASCADE,
    ADD CONSTRAINT documents_one_owner CHECK ((meeting_id IS NULL) <> (ballot_id IS NULL)),
    ADD CONSTRAINT documents_item_of_meeting CHECK (item_id IS NULL OR meeting_id IS NOT NULL);
CREATE INDEX documents_ballot ON documents (ballot_id);

-- +goose Down
DELETE FROM documents WHERE ballot_id IS NOT NULL;
DROP INDEX documents_ballot;
ALTER TABLE documents
    DROP CONSTRAINT documents_item_of_meeting,
    DROP CONSTRAINT documents_one_owner,
    DROP COLUMN ballot_id,
    ALTER COLUMN meeting_id SET NOT NULL;
