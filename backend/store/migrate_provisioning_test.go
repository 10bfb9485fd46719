package store

import (
	"context"
	"slices"
	"testing"
	"time"
)

// Migration 14 lists every organisation already named by a body's members,
// task leads, organisations credited and co-operating units, once each.
func TestOrganizationsBackfill(t *testing.T) {
	for _, dialect := range []string{SQLite, Postgres} {
		t.Run(dialect, func(t *testing.T) {
			ctx := context.Background()
			db, p := migratedTo(t, dialect, 9)
			at := time.Date(2026, 1, 5, 2, 0, 0, 0, time.UTC)
			g := db.gorm.WithContext(ctx)
			exec := func(q string, args ...any) {
				t.Helper()
				if err := g.Exec(q, args...).Error; err != nil {
					t.Fatal(err)
				}
			}
			for id, slug := range map[int]string{1: "a", 2: "b"} {
				exec("INSERT INTO bodies (id, slug, name, settings, created_at, updated_at) VALUES (?, ?, 'B', '{}', ?, ?)", id, slug, at, at)
			}
			for id, m := range map[int]struct {
				body int
				org  string
			}{1: {1, "Bộ Tài chính"}, 2: {1, "Bộ Tài chính"}, 3: {1, ""}, 4: {2, "Bộ Tài chính"}} {
				exec("INSERT INTO members (id, body_id, username, password_hash, full_name, organization, role, clearance, created_at, updated_at) "+
					"VALUES (?, ?, ?, '', 'X', ?, 'member', 'none', ?, ?)", id, m.body, "u"+string(rune('0'+id)), m.org, at, at)
			}
			exec("INSERT INTO ballots (id, body_id, title, status, deadline, created_by, created_at, updated_at) VALUES (1, 1, 'P', 'closed', ?, 1, ?, ?)", at, at, at)
			exec("INSERT INTO tasks (body_id, ballot_id, title, lead_org, organization, co_units, due_date, deadline, assigned_by, assigned_at, updated_at) "+
				"VALUES (1, 1, 'T', 'UBND tỉnh Lào Cai', 'UBND tỉnh Lào Cai', '[\"Bộ Tư pháp\",\"Bộ Tài chính\"]', '2026-02-01', ?, 1, ?, ?)", at, at, at)
			if _, err := p.Up(ctx); err != nil {
				t.Fatal(err)
			}
			var rows []organizationRow
			if err := g.Order("body_id, name").Find(&rows).Error; err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, r := range rows {
				got = append(got, string(rune('0'+r.BodyID))+":"+r.Name)
			}
			if want := []string{"1:Bộ Tài chính", "1:Bộ Tư pháp", "1:UBND tỉnh Lào Cai", "2:Bộ Tài chính"}; !slices.Equal(got, want) {
				t.Fatalf("organisations %v, want %v", got, want)
			}
			var active bool
			if err := g.Raw("SELECT active FROM bodies WHERE id = 1").Scan(&active).Error; err != nil || !active {
				t.Fatalf("an existing body is not active: %v", err)
			}
		})
	}
}
