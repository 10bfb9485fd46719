package store

import (
	"context"
	"testing"
	"time"
)

// Migration 9 lets a document belong to a ballot. On SQLite it rebuilds the
// documents table: every row keeps its id and fields, versions, chunks,
// notes, receipts and paper copies stay attached (the rebuild must not
// cascade), foreign keys are enforced again on every connection, a deleted
// document's id is not given again, and a document has exactly one owner.
// Down goes back to session documents only.
func TestBallotDocumentsMigration(t *testing.T) {
	for _, dialect := range []string{SQLite, Postgres} {
		t.Run(dialect, func(t *testing.T) {
			ctx := context.Background()
			db, p := migratedTo(t, dialect, 8)
			now := time.Date(2026, 3, 1, 2, 0, 0, 0, time.UTC)
			g := db.gorm.WithContext(ctx)
			exec := func(q string, args ...any) error { return g.Exec(q, args...).Error }
			must := func(q string, args ...any) {
				t.Helper()
				if err := exec(q, args...); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
			}
			countOf := func(q string, args ...any) int {
				t.Helper()
				var n int
				if err := g.Raw(q, args...).Scan(&n).Error; err != nil {
					t.Fatal(err)
				}
				return n
			}
			must("INSERT INTO bodies (id, slug, name, settings, created_at, updated_at) VALUES (1, 'b', 'B', '{}', ?, ?)", now, now)
			must("INSERT INTO members (id, body_id, username, password_hash, full_name, role, clearance, created_at, updated_at) "+
				"VALUES (1, 1, 'sec', 'x', 'Thư ký', 'secretary', 'top_secret', ?, ?)", now, now)
			must("INSERT INTO meetings (id, body_id, kind, title, status, scheduled_start, scheduled_end, created_at, updated_at) "+
				"VALUES (1, 1, 'regular', 'Phiên họp', 'draft', ?, ?, ?, ?)", now, now.Add(time.Hour), now, now)
			for id, placeholder := range map[int]bool{7: false, 8: true, 9: false} {
				pages := 0
				if placeholder {
					pages = 4
				}
				must("INSERT INTO documents (id, meeting_id, title, classification, placeholder, paper_pages, current_version, created_by, created_at, updated_at) "+
					"VALUES (?, 1, 'Tờ trình', 'none', ?, ?, 0, 1, ?, ?)", id, placeholder, pages, now, now)
			}
			must("DELETE FROM documents WHERE id = 9") // the highest id, deleted
			must("INSERT INTO document_versions (id, document_id, version, filename, size, sha256, pages, chunks, uploaded_by, uploaded_at) "+
				"VALUES (3, 7, 1, 'a.pdf', 3, ?, 2, 1, 1, ?)", "0000000000000000000000000000000000000000000000000000000000000000", now)
			must("UPDATE documents SET current_version = 1 WHERE id = 7")
			must("INSERT INTO document_chunks (version_id, n, data) VALUES (3, 0, ?)", []byte("pdf"))
			must("INSERT INTO document_notes (document_id, member_id, page, text, updated_at) VALUES (7, 1, 1, 'ghi chú', ?)", now)
			must("INSERT INTO read_receipts (version_id, member_id, first_opened_at) VALUES (3, 1, ?)", now)
			must("INSERT INTO paper_copies (document_id, copy_no, holder_id, handed_out_at, handed_out_by) VALUES (8, 1, 1, ?, 1)", now)

			if _, err := p.UpTo(ctx, 9); err != nil {
				t.Fatal(err)
			}
			var docs []documentRow
			if err := g.Order("id").Find(&docs).Error; err != nil {
				t.Fatal(err)
			}
			if len(docs) != 2 || docs[0].ID != 7 || docs[0].MeetingID == nil || *docs[0].MeetingID != 1 || docs[0].BallotID != nil ||
				docs[0].CurrentVersion != 1 || docs[1].ID != 8 || !docs[1].Placeholder || docs[1].PaperPages != 4 || !docs[0].CreatedAt.Equal(now) {
				t.Fatalf("documents after migration: %+v", docs)
			}
			for table, want := range map[string]int{"document_versions": 1, "document_chunks": 1, "document_notes": 1, "read_receipts": 1, "paper_copies": 1} {
				if n := countOf("SELECT COUNT(*) FROM " + table); n != want {
					t.Errorf("%s: %d rows after migration, want %d", table, n, want)
				}
			}
			if dialect == SQLite {
				// Every pooled connection enforces foreign keys again, and none is broken.
				conns := make([]interface{ Close() error }, 0, 8)
				for range 8 {
					c, err := db.sql.Conn(ctx)
					if err != nil {
						t.Fatal(err)
					}
					conns = append(conns, c)
					var on int
					if err := c.QueryRowContext(ctx, "PRAGMA foreign_keys").Scan(&on); err != nil || on != 1 {
						t.Errorf("foreign_keys = %d on a connection (%v)", on, err)
					}
				}
				for _, c := range conns {
					_ = c.Close()
				}
				if n := countOf("SELECT COUNT(*) FROM pragma_foreign_key_check"); n != 0 {
					t.Errorf("%d foreign key violations", n)
				}
			}
			must("INSERT INTO ballots (id, body_id, title, reason, status, deadline, created_by, created_at, updated_at) "+
				"VALUES (1, 1, 'Phiếu', '', 'draft', ?, 1, ?, ?)", now.Add(72*time.Hour), now, now)
			insert := "INSERT INTO documents (meeting_id, ballot_id, title, classification, placeholder, paper_pages, created_by, created_at, updated_at) " +
				"VALUES (?, ?, 'Dự thảo', 'none', false, 0, 1, ?, ?)"
			if err := exec(insert, 1, 1, now, now); err == nil {
				t.Error("a document of a session and a ballot was stored")
			}
			if err := exec(insert, nil, nil, now, now); err == nil {
				t.Error("a document of nothing was stored")
			}
			if err := exec(insert, nil, 2, now, now); err == nil {
				t.Error("a document of a missing ballot was stored")
			}
			must(insert, nil, 1, now, now)
			// (PostgreSQL's sequence is untouched by the migration; the rows above
			// were given their ids by hand.)
			if id := countOf("SELECT MAX(id) FROM documents"); dialect == SQLite && id != 10 {
				t.Errorf("new document id %d, want 10 (9 was used)", id)
			}
			if err := exec("INSERT INTO document_versions (document_id, version, filename, size, sha256, pages, chunks, uploaded_by, uploaded_at) "+
				"VALUES (99, 1, 'a.pdf', 3, ?, 2, 1, 1, ?)", "0000000000000000000000000000000000000000000000000000000000000000", now); err == nil {
				t.Error("a version of a missing document was stored")
			}
			// Deleting a session still removes its documents and their versions.
			must("DELETE FROM document_notes")
			must("DELETE FROM read_receipts")
			must("DELETE FROM paper_copies")
			must("DELETE FROM meetings WHERE id = 1")
			if n := countOf("SELECT COUNT(*) FROM document_versions"); n != 0 {
				t.Errorf("%d versions left after their session was deleted", n)
			}

			// Down keeps session documents only.
			must("INSERT INTO meetings (id, body_id, kind, title, status, scheduled_start, scheduled_end, created_at, updated_at) "+
				"VALUES (2, 1, 'regular', 'Phiên họp', 'draft', ?, ?, ?, ?)", now, now.Add(time.Hour), now, now)
			must("INSERT INTO documents (meeting_id, title, classification, placeholder, paper_pages, created_by, created_at, updated_at) "+
				"VALUES (2, 'Tờ trình', 'none', false, 0, 1, ?, ?)", now, now)
			if _, err := p.DownTo(ctx, 8); err != nil {
				t.Fatal(err)
			}
			if n := countOf("SELECT COUNT(*) FROM documents"); n != 1 {
				t.Errorf("%d documents after down, want the session's one", n)
			}
			if err := exec("INSERT INTO documents (title, classification, placeholder, paper_pages, created_by, created_at, updated_at) "+
				"VALUES ('x', 'none', false, 0, 1, ?, ?)", now, now); err == nil {
				t.Error("a document without a session was stored after down")
			}
			if _, err := p.Up(ctx); err != nil {
				t.Fatal(err)
			}
		})
	}
}
