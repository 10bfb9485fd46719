-- When a task's deadline passes unfinished, its status turns to "overdue"
-- without any write; the reminder job records here that it told the live
-- dashboards so (once per task, whatever instance notices).

-- +goose Up
ALTER TABLE tasks ADD COLUMN overdue_announced_at TIMESTAMPTZ;

-- +goose Down
ALTER TABLE tasks DROP COLUMN overdue_announced_at;
