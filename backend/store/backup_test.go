package store_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ecabinet/ecabinet/backend/backup"
	"github.com/ecabinet/ecabinet/backend/ecabinet"
	"github.com/ecabinet/ecabinet/backend/store"
)

// New epochs keep every stream's events and sequence and change only the
// epoch, of every stream, each to a value of its own.
func TestNewEpochs(t *testing.T) {
	forEachStore(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		svc := store.NewMeetingService(db)
		log := db.Events()
		m, err := svc.CreateMeeting(f.as(ecabinet.RoleSecretary), meetingInput())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.AddItem(f.as(ecabinet.RoleSecretary), m.ID, item("Dự thảo Nghị định", 30)); err != nil {
			t.Fatal(err)
		}
		scopes := []ecabinet.Scope{ecabinet.MeetingScope(m.ID), ecabinet.BodyScope(f.body.ID)}
		before, err := log.Heads(ctx, scopes)
		if err != nil {
			t.Fatal(err)
		}
		n, err := db.Events().NewEpochs(ctx)
		if err != nil || n < 2 {
			t.Fatalf("NewEpochs = %d, %v", n, err)
		}
		after, err := log.Heads(ctx, scopes)
		if err != nil {
			t.Fatal(err)
		}
		if after[scopes[0]].Epoch == after[scopes[1]].Epoch {
			t.Fatal("two streams got the same epoch")
		}
		for _, s := range scopes {
			if after[s].Epoch == before[s].Epoch || after[s].Epoch == "" || after[s].Seq != before[s].Seq {
				t.Fatalf("%s: %+v before, %+v after", s, before[s], after[s])
			}
			events, err := log.After(ctx, s, 0, 100)
			if err != nil || int64(len(events)) != after[s].Seq || events[0].Epoch != after[s].Epoch {
				t.Fatalf("%s: %d events in the new epoch (%v)", s, len(events), err)
			}
		}
	})
}

// A backup of the live embedded database restores into another data
// directory with everything in it and new epochs; the restore keeps the
// database it replaces.
func TestSQLiteBackupAndRestore(t *testing.T) {
	ctx := context.Background()
	db := openStore(t, store.SQLite)
	f := newFixture(t, db)
	svc := store.NewMeetingService(db)
	m, err := svc.CreateMeeting(f.as(ecabinet.RoleSecretary), meetingInput())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.AddItem(f.as(ecabinet.RoleSecretary), m.ID, item("Báo cáo kinh tế - xã hội", 45)); err != nil {
		t.Fatal(err)
	}
	scope := ecabinet.MeetingScope(m.ID)
	before, _ := db.Events().Head(ctx, scope)

	file := filepath.Join(t.TempDir(), "backup.db")
	if err := backup.Backup(ctx, db, file); err != nil {
		t.Fatal(err)
	}
	if err := backup.Backup(ctx, db, file); err == nil || !strings.Contains(err.Error(), "exists") {
		t.Fatalf("a second backup over the first: %v", err)
	}
	// Written after the backup: not in it.
	if _, err := svc.AddItem(f.as(ecabinet.RoleSecretary), m.ID, item("Sau sao lưu", 5)); err != nil {
		t.Fatal(err)
	}

	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "ecabinet.db"), []byte("the database being replaced"), 0o600); err != nil {
		t.Fatal(err)
	}
	kept, err := backup.RestoreSQLite(ctx, file, dir, store.Config{Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	if old, err := os.ReadFile(kept); err != nil || string(old) != "the database being replaced" {
		t.Fatalf("replaced database not kept at %q: %v", kept, err)
	}
	restored, err := store.Open(ctx, store.Config{DataDir: dir, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	defer restored.Close()
	var titles []string
	if err := restored.Raw(ctx, "SELECT title FROM agenda_items WHERE meeting_id = ? ORDER BY position", &titles, m.ID); err != nil {
		t.Fatal(err)
	}
	if len(titles) != 1 || titles[0] != "Báo cáo kinh tế - xã hội" {
		t.Fatalf("restored agenda: %q", titles)
	}
	head, err := restored.Events().Head(ctx, scope)
	if err != nil || head.Seq != before.Seq || head.Epoch == before.Epoch {
		t.Fatalf("restored stream at %+v, backed up at %+v (%v)", head, before, err)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), "restore-") {
			t.Fatalf("work directory %s left behind", e.Name())
		}
	}
}

// What is not an e-Cabinet database is refused and replaces nothing.
func TestSQLiteRestoreRefusesOtherFiles(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	live := filepath.Join(dir, "ecabinet.db")
	if err := os.WriteFile(live, []byte("live"), 0o600); err != nil {
		t.Fatal(err)
	}
	junk := filepath.Join(t.TempDir(), "junk.db")
	if err := os.WriteFile(junk, []byte(strings.Repeat("not a database ", 500)), 0o600); err != nil {
		t.Fatal(err)
	}
	// A SQLite database that was never migrated is not an e-Cabinet one.
	plainDir := t.TempDir()
	plain, err := store.Open(ctx, store.Config{DataDir: plainDir, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	_ = plain.Close()
	for _, src := range []string{junk, filepath.Join(plainDir, "ecabinet.db")} {
		if _, err := backup.RestoreSQLite(ctx, src, dir, store.Config{Logger: quiet}); err == nil {
			t.Fatalf("%s restored", src)
		}
		if got, _ := os.ReadFile(live); string(got) != "live" {
			t.Fatalf("live database touched by the refused restore of %s", src)
		}
	}
}

func TestBackupIsForSQLiteOnly(t *testing.T) {
	db := openStore(t, store.Postgres)
	if err := backup.Backup(context.Background(), db, filepath.Join(t.TempDir(), "x")); !errors.Is(err, backup.ErrNotSQLite) {
		t.Fatalf("backup on PostgreSQL: %v", err)
	}
}
