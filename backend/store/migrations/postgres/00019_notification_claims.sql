-- A notification being sent is claimed for a while instead of being held
-- in a transaction while the mail server or the push service answers:
-- the sender claims a batch in one short transaction, sends outside any,
-- and records each outcome in its own. Another instance skips what is
-- claimed; what a crashed sender claimed is taken again when its claim
-- runs out.

-- +goose Up
ALTER TABLE notifications ADD COLUMN email_claimed_until TIMESTAMPTZ;
ALTER TABLE notifications ADD COLUMN push_claimed_until TIMESTAMPTZ;

-- +goose Down
ALTER TABLE notifications DROP COLUMN push_claimed_until;
ALTER TABLE notifications DROP COLUMN email_claimed_until;
