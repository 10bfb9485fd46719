package main

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"strings"
	"testing"

	"github.com/ecabinet/ecabinet/backend/ecabinet"
	"github.com/ecabinet/ecabinet/backend/store"
)

func TestAuditVerify(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	db, err := store.Open(ctx, store.Config{DataDir: dir, Logger: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	for _, u := range []string{"a", "b", "c", "d"} {
		if err := db.Audit(ctx, ecabinet.AuditRecord{Action: ecabinet.AuditLoginFailed, Subject: u}); err != nil {
			t.Fatal(err)
		}
	}
	env := func(k string) string {
		if k == "ECABINET_DATA_DIR" {
			return dir
		}
		return ""
	}
	var out bytes.Buffer
	if err := run([]string{"audit", "verify"}, env, nil, &out, &bytes.Buffer{}); err != nil || !strings.Contains(out.String(), "intact: 4 entries") {
		t.Fatalf("%v\n%s", err, out.String())
	}
	for _, q := range []string{"DROP TRIGGER audit_log_no_update", "UPDATE audit_log SET ip = '10.6.6.6' WHERE id = 2"} {
		if _, err := db.SQL().ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	out.Reset()
	err = run([]string{"audit", "verify"}, env, nil, &out, &bytes.Buffer{})
	if err == nil || !strings.Contains(out.String(), "BROKEN at entry 2") {
		t.Fatalf("tampering not reported: %v\n%s", err, out.String())
	}
}
