package main

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
)

// The subcommands behind scripts/backup and scripts/restore, on the
// embedded database: back up, restore elsewhere, new epochs.
func TestBackupCommands(t *testing.T) {
	dataDir, restoreDir, file := t.TempDir(), t.TempDir(), filepath.Join(t.TempDir(), "b.db")
	env := func(dir string) func(string) string {
		return func(k string) string {
			return map[string]string{"ECABINET_DATA_DIR": dir, "ECABINET_LOG_LEVEL": "warn"}[k]
		}
	}
	var out bytes.Buffer
	if err := run([]string{"backup", file}, env(dataDir), nil, &out, &out); err == nil || !strings.Contains(err.Error(), "no database") {
		t.Fatalf("backup of nothing: %v", err)
	}
	for _, args := range [][]string{{"migrate"}, {"backup", file}} {
		if err := run(args, env(dataDir), nil, &out, &out); err != nil {
			t.Fatalf("%s: %v", args, err)
		}
	}
	if err := run([]string{"restore", file}, env(restoreDir), nil, &out, &out); err != nil {
		t.Fatal(err)
	}
	if err := run([]string{"new-epochs"}, env(restoreDir), nil, &out, &out); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"backed up", "restored", "0 event streams have a new epoch"} {
		if !strings.Contains(out.String(), want) {
			t.Fatalf("output lacks %q:\n%s", want, out.String())
		}
	}
	pg := func(k string) string {
		return map[string]string{"DATABASE_URL": "postgres://nobody@127.0.0.1:1/none"}[k]
	}
	for _, cmd := range []string{"backup", "restore"} {
		if err := run([]string{cmd, file}, pg, nil, &out, &out); err == nil || !strings.Contains(err.Error(), "pg_dump") {
			t.Fatalf("%s on PostgreSQL: %v", cmd, err)
		}
	}
	if err := run([]string{"restore"}, env(restoreDir), nil, &out, &out); err == nil || !strings.Contains(err.Error(), "usage") {
		t.Fatalf("restore without a file: %v", err)
	}
}
