-- An agenda item taken up again after it was done (the secretariat goes
-- back to it) keeps each earlier discussion here: the item's own started_at
-- and ended_at hold its latest span, these rows the ones before it. The
-- time ledger counts every span.

-- +goose Up
CREATE TABLE agenda_spans (
    item_id    INTEGER  NOT NULL REFERENCES agenda_items (id) ON DELETE CASCADE,
    started_at DATETIME NOT NULL,
    ended_at   DATETIME NOT NULL,
    PRIMARY KEY (item_id, started_at),
    CHECK (ended_at >= started_at)
);

-- +goose Down
DROP TABLE agenda_spans;
