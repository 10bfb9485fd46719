-- A vote cast or a ballot answered adds, in its own transaction, a mark that
-- the live count of its vote or ballot changed; the progress pusher of any
-- instance takes the marks it has read and pushes the count in one
-- transaction. A crash between the two leaves the marks, so the count still
-- goes out. Marks are only ever inserted by writers (no row to wait on);
-- the pusher deletes exactly the marks it read, so a write that commits
-- after the count leaves its mark for the next push.

-- +goose Up
CREATE TABLE progress_marks (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    ref_id INTEGER NOT NULL
);

-- +goose Down
DROP TABLE progress_marks;
