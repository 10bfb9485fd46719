package testenv

import (
	"fmt"
	"maps"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// PgBouncer is a pgbouncer process of a test's own in front of one
// PostgreSQL database.
type PgBouncer struct {
	Port int
	// PoolSize is the number of server connections it keeps to PostgreSQL.
	PoolSize int
	database string
	user     string
	Proc     *Proc
}

// StartPgBouncer runs pgbouncer on a free port in front of the database of
// the postgres:// URL direct (trusted, as the test PostgreSQL is), with the
// settings of the configuration file base but its own database entry,
// addresses, authentication and pool size. As root it runs as the postgres
// user: PgBouncer refuses to run as root.
func StartPgBouncer(t testing.TB, direct, base string, poolSize int) *PgBouncer {
	t.Helper()
	RequireProgram(t, "pgbouncer")
	u, err := url.Parse(direct)
	if err != nil {
		t.Fatal(err)
	}
	b := &PgBouncer{Port: FreePort(t), PoolSize: poolSize, database: strings.TrimPrefix(u.Path, "/"), user: u.User.Username()}
	dir, err := os.MkdirTemp("", "ecabinet-pgbouncer-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	shipped, err := os.ReadFile(base)
	if err != nil {
		t.Fatal(err)
	}
	database := fmt.Sprintf("%[1]s = host=%[2]s port=%[3]s dbname=%[1]s user=%[4]s", b.database, u.Hostname(), u.Port(), b.user)
	ini := rewriteINI(string(shipped), database, map[string]string{
		"listen_addr": "127.0.0.1", "listen_port": strconv.Itoa(b.Port), "unix_socket_dir": "",
		"auth_type": "trust", "auth_file": filepath.Join(dir, "users.txt"), "admin_users": b.user,
		"default_pool_size": strconv.Itoa(poolSize), "reserve_pool_size": "0",
	})
	files := map[string]string{"pgbouncer.ini": ini, "users.txt": fmt.Sprintf("%q \"\"\n", b.user)}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	args := []string{filepath.Join(dir, "pgbouncer.ini")}
	if os.Geteuid() == 0 {
		_ = os.Chmod(dir, 0o755)
		args = append([]string{"-u", "postgres"}, args...)
	}
	pgbouncer := "pgbouncer"
	if _, err := exec.LookPath(pgbouncer); err != nil {
		pgbouncer = "/usr/sbin/pgbouncer"
	}
	b.Proc = StartProc(t, nil, pgbouncer, args...)
	waitListening(t, "127.0.0.1:"+strconv.Itoa(b.Port), b.Proc)
	return b
}

// rewriteINI returns the PgBouncer configuration ini with database as the
// only entry of [databases] and the settings of [pgbouncer] in set changed
// or added. (PgBouncer resets [pgbouncer] to its defaults where the section
// starts again, so an %include of the shipped file could not be overridden.)
func rewriteINI(ini, database string, set map[string]string) string {
	var out []string
	section := ""
	done := map[string]bool{}
	flush := func() {
		if section != "pgbouncer" {
			return
		}
		for _, k := range slices.Sorted(maps.Keys(set)) {
			if !done[k] {
				out = append(out, k+" = "+set[k])
			}
		}
	}
	for _, line := range strings.Split(ini, "\n") {
		trimmed := strings.TrimSpace(line)
		if strings.HasPrefix(trimmed, "[") {
			flush()
			section = strings.Trim(trimmed, "[]")
			out = append(out, line)
			if section == "databases" {
				out = append(out, database)
			}
			continue
		}
		key, _, isSetting := strings.Cut(trimmed, "=")
		key = strings.TrimSpace(key)
		value, replaced := set[key]
		switch {
		case !isSetting || strings.HasPrefix(trimmed, ";"):
			out = append(out, line)
		case section == "databases":
		case section == "pgbouncer" && replaced:
			out = append(out, key+" = "+value)
			done[key] = true
		default:
			out = append(out, line)
		}
	}
	flush()
	return strings.Join(out, "\n") + "\n"
}

// URL is the postgres:// URL of the database through PgBouncer.
func (b *PgBouncer) URL() string {
	return fmt.Sprintf("postgres://%s@127.0.0.1:%d/%s?sslmode=disable", b.user, b.Port, b.database)
}

// Show runs an admin console command (SHOW POOLS, SHOW CLIENTS…) with psql
// and returns its rows by column name.
func (b *PgBouncer) Show(t testing.TB, what string) []map[string]string {
	t.Helper()
	RequireProgram(t, "psql")
	out, err := exec.Command("psql", "-h", "127.0.0.1", "-p", strconv.Itoa(b.Port), "-U", b.user, "-A", "-P", "footer=off",
		"-c", "SHOW "+what, "pgbouncer").CombinedOutput()
	if err != nil {
		t.Fatalf("SHOW %s: %v\n%s", what, err, out)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	header := strings.Split(lines[0], "|")
	var rows []map[string]string
	for _, line := range lines[1:] {
		row := map[string]string{}
		for i, v := range strings.Split(line, "|") {
			if i < len(header) {
				row[header[i]] = v
			}
		}
		rows = append(rows, row)
	}
	return rows
}
