package deploytest

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/ecabinet/ecabinet/backend/apptest"
	"github.com/ecabinet/ecabinet/backend/client"
	"github.com/ecabinet/ecabinet/backend/ecabinet"
	"github.com/ecabinet/ecabinet/backend/testenv"
)

// A backup made by scripts/backup of a running instance, restored by
// scripts/restore into a fresh database, serves the same meeting, agenda and
// event log through the API, in new epochs: a tablet that saw events after
// the backup resumes by snapshot at the restored position, then gets the
// restored server's new events. For the embedded SQLite default and for
// PostgreSQL.
func TestBackupAndRestore(t *testing.T) {
	for _, b := range apptest.Backends {
		t.Run(b.Name, func(t *testing.T) {
			if b.Postgres {
				testenv.RequireProgram(t, "pg_dump", "pg_restore", "psql")
			}
			bin := serverBinary(t)
			e := apptest.Start(t, b, nil)
			sec := login(t, e.URL, "secretary1", apptest.Password)
			m := session(t, sec, "Phiên họp trước sao lưu", "Dự thảo Nghị định về Chính phủ điện tử")
			for i := range 4 {
				if err := mark(sec, m, i); err != nil {
					t.Fatal(err)
				}
			}
			scope := ecabinet.MeetingScope(m.ID)
			// A tablet signed in before the backup, following the meeting.
			tablet, stream := follow(t, e.URL, "member05", scope)
			backedUp := state(t, sec, m.ID)

			file := filepath.Join(t.TempDir(), "ecabinet.backup")
			source := []string{"ECABINET_BIN=" + bin, "ECABINET_DATA_DIR=" + e.Cfg.DataDir, "DATABASE_URL=" + e.Cfg.DatabaseURL}
			script(t, source, "backup", file)

			// After the backup: a new item, and events the tablet receives.
			do(t, sec, "POST", meetingPath(m.ID, "/agenda"), ecabinet.AgendaItemInput{Title: "Thêm sau sao lưu", PlannedMinutes: 10}, nil)
			if err := mark(sec, m, 4); err != nil {
				t.Fatal(err)
			}
			after := state(t, sec, m.ID).Seq
			waitSeq(t, stream, scope, after)

			// Restore into a fresh database and start a server on it.
			vars := map[string]string{"ECABINET_DEMO": "false", "ECABINET_LOG_LEVEL": "warn", "ECABINET_DATA_DIR": t.TempDir()}
			if b.Postgres {
				vars["DATABASE_URL"] = testenv.Postgres(t)
				_, prefix := testenv.Redis(t)
				vars["REDIS_URL"], vars["ECABINET_REDIS_PREFIX"] = testenv.RedisURL(), prefix
			}
			// ECABINET_ADDR: where a running SQLite server would answer (none does).
			script(t, []string{"ECABINET_BIN=" + bin, "ECABINET_DATA_DIR=" + vars["ECABINET_DATA_DIR"],
				"DATABASE_URL=" + vars["DATABASE_URL"], "ECABINET_ADDR=127.0.0.1:1"}, "restore", file)
			r := apptest.StartWith(t, vars)

			// The data, through the API of the restored server.
			member := login(t, r.URL, "member05", apptest.Password)
			var got ecabinet.Meeting
			do(t, member, "GET", meetingPath(m.ID, ""), nil, &got)
			if got.Title != m.Title || got.Status != ecabinet.MeetingPublished {
				t.Fatalf("restored meeting: %+v", got)
			}
			var agenda []*ecabinet.AgendaItem
			do(t, member, "GET", meetingPath(m.ID, "/agenda"), nil, &agenda)
			if len(agenda) != 1 || agenda[0].Title != "Dự thảo Nghị định về Chính phủ điện tử" {
				t.Fatalf("restored agenda: %d items", len(agenda))
			}
			st := state(t, member, m.ID)
			if st.Seq != backedUp.Seq || st.Epoch == backedUp.Epoch || st.Epoch == "" {
				t.Fatalf("restored position %s#%d; backed up at %s#%d", st.Epoch, st.Seq, backedUp.Epoch, backedUp.Seq)
			}
			events, err := r.App.DB.Events().After(context.Background(), scope, 0, 1000)
			if err != nil || int64(len(events)) != backedUp.Seq {
				t.Fatalf("restored log: %d events (%v), want %d", len(events), err, backedUp.Seq)
			}

			// The tablet, at #after of the old epoch, moves to the restored
			// server (its sign-in was restored too) and resumes by snapshot.
			tablet.BaseURL = r.URL
			if err := stream.Reconnect(context.Background()); err != nil {
				t.Fatal(err)
			}
			sub := waitFrame(t, stream, scope, "subscribed")
			if sub.Mode != "snapshot" || sub.Epoch != st.Epoch || sub.Seq != backedUp.Seq {
				t.Fatalf("resume after the restore: %+v", sub)
			}
			waitFrame(t, stream, scope, "snapshot")
			// New events of the restored server reach it (their seq is not
			// above what it saw before the restore, but the epoch is new).
			restoredSec := login(t, r.URL, "secretary1", apptest.Password)
			do(t, restoredSec, "POST", meetingPath(m.ID, "/agenda"), ecabinet.AgendaItemInput{Title: "Sau khôi phục", PlannedMinutes: 10}, nil)
			ev := waitFrame(t, stream, scope, "event")
			if ev.Epoch != st.Epoch || ev.Seq != backedUp.Seq+1 {
				t.Fatalf("first event after the restore: %s#%d", ev.Epoch, ev.Seq)
			}
		})
	}
}

// A restore with --replace under a running PostgreSQL instance: the
// instance notices the new epochs within its poll interval and sends its
// tablets to resume; they come back by snapshot at the restored position
// and follow from there.
func TestRestoreUnderRunningInstance(t *testing.T) {
	testenv.RequireProgram(t, "pg_dump", "pg_restore", "psql")
	bin := serverBinary(t)
	e := apptest.Start(t, apptest.Backend{Name: "postgres+redis", Postgres: true}, nil)
	sec := login(t, e.URL, "secretary1", apptest.Password)
	m := session(t, sec, "Phiên họp khôi phục khi đang chạy", "Tờ trình dự án Luật")
	scope := ecabinet.MeetingScope(m.ID)
	_, stream := follow(t, e.URL, "member07", scope)
	backedUp := state(t, sec, m.ID)
	file := filepath.Join(t.TempDir(), "ecabinet.pgdump")
	env := []string{"ECABINET_BIN=" + bin, "DATABASE_URL=" + e.Cfg.DatabaseURL}
	script(t, env, "backup", file)
	for i := range 3 {
		if err := mark(sec, m, i); err != nil {
			t.Fatal(err)
		}
	}
	waitSeq(t, stream, scope, state(t, sec, m.ID).Seq)

	script(t, env, "restore", "--replace", file)
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	for {
		_, err := stream.Next(ctx)
		var ce *client.CloseError
		if errors.As(err, &ce) && ce.Code == 4000 {
			break
		}
		if err != nil {
			t.Fatalf("waiting for the instance to send the tablet to resume: %v", err)
		}
	}
	if err := stream.Reconnect(context.Background()); err != nil {
		t.Fatal(err)
	}
	sub := waitFrame(t, stream, scope, "subscribed")
	if sub.Mode != "snapshot" || sub.Seq != backedUp.Seq || sub.Epoch == backedUp.Epoch {
		t.Fatalf("resume after the restore: %+v (backed up at %s#%d)", sub, backedUp.Epoch, backedUp.Seq)
	}
	waitFrame(t, stream, scope, "snapshot")
	do(t, sec, "POST", meetingPath(m.ID, "/agenda"), ecabinet.AgendaItemInput{Title: "Sau khôi phục", PlannedMinutes: 10}, nil)
	if ev := waitFrame(t, stream, scope, "event"); ev.Seq != backedUp.Seq+1 || ev.Epoch != sub.Epoch {
		t.Fatalf("first event after the restore: %s#%d", ev.Epoch, ev.Seq)
	}
}

// follow signs username in at url and subscribes a stream to scope.
func follow(t *testing.T, url, username string, scope ecabinet.Scope) (*client.Client, *client.Stream) {
	t.Helper()
	c := login(t, url, username, apptest.Password)
	s, err := c.Connect(context.Background(), client.StreamOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	if err := s.Subscribe(scope); err != nil {
		t.Fatal(err)
	}
	if waitFrame(t, s, scope, "subscribed").Mode == "snapshot" {
		waitFrame(t, s, scope, "snapshot")
	}
	return c, s
}

// waitSeq reads a stream until it reached seq in scope.
func waitSeq(t *testing.T, s *client.Stream, scope ecabinet.Scope, seq int64) {
	t.Helper()
	for s.Position(scope).Seq < seq {
		waitFrame(t, s, scope, "event")
	}
}
