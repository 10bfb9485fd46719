-- Single-use tickets for WebSocket clients that cannot send the session cookie.

-- +goose Up
CREATE TABLE ws_tickets (
    id         TEXT        PRIMARY KEY, -- SHA-256 of the ticket, hex
    signin_id  TEXT        NOT NULL REFERENCES auth_sessions (id) ON DELETE CASCADE,
    expires_at DATETIME    NOT NULL
);
CREATE INDEX ws_tickets_expires ON ws_tickets (expires_at);

-- +goose Down
DROP TABLE ws_tickets;
