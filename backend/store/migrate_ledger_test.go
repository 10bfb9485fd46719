package store

import (
	"context"
	"testing"
	"time"
)

// Sessions published before migration 6 get the time of the first event
// that showed them published (their documents count as distributed from
// then), or their creation when the log has none; drafts stay unpublished.
func TestPublishedAtBackfill(t *testing.T) {
	for _, dialect := range []string{SQLite, Postgres} {
		t.Run(dialect, func(t *testing.T) {
			ctx := context.Background()
			db, p := migratedTo(t, dialect, 5)
			created := time.Date(2026, 1, 5, 2, 0, 0, 0, time.UTC)
			published := created.Add(26 * time.Hour)
			g := db.gorm.WithContext(ctx)
			exec := func(q string, args ...any) {
				t.Helper()
				if err := g.Exec(q, args...).Error; err != nil {
					t.Fatal(err)
				}
			}
			exec("INSERT INTO bodies (id, slug, name, settings, created_at, updated_at) VALUES (1, 'b', 'B', '{}', ?, ?)", created, created)
			for id, status := range map[int]string{1: "closed", 2: "published", 3: "draft"} {
				exec("INSERT INTO meetings (id, body_id, kind, title, status, scheduled_start, scheduled_end, created_at, updated_at) "+
					"VALUES (?, 1, 'regular', 'Phiên họp', ?, ?, ?, ?, ?)", id, status, created, created.Add(time.Hour), created, created)
			}
			for seq, ev := range []struct {
				status string
				at     time.Time
			}{{"draft", created}, {"published", published}, {"live", published.Add(time.Hour)}} {
				exec("INSERT INTO events (scope, seq, type, payload, created_at) VALUES ('meeting:1', ?, 'meeting.updated', ?, ?)",
					seq+1, `{"meeting":{"id":1,"status":"`+ev.status+`"}}`, ev.at)
			}
			if _, err := p.Up(ctx); err != nil {
				t.Fatal(err)
			}
			var rows []meetingRow
			if err := g.Order("id").Find(&rows).Error; err != nil {
				t.Fatal(err)
			}
			if rows[0].PublishedAt == nil || !rows[0].PublishedAt.Equal(published) {
				t.Errorf("published with events: %v, want %v", rows[0].PublishedAt, published)
			}
			if rows[1].PublishedAt == nil || !rows[1].PublishedAt.Equal(created) {
				t.Errorf("published without events: %v, want %v", rows[1].PublishedAt, created)
			}
			if rows[2].PublishedAt != nil {
				t.Errorf("a draft got %v", rows[2].PublishedAt)
			}
			// The invariant holds from now on, in both dialects.
			if err := g.Exec("UPDATE meetings SET status = 'published' WHERE id = 3").Error; err == nil {
				t.Error("a published session without a publication time was stored")
			}
		})
	}
}
