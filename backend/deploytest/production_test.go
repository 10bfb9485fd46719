package deploytest

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ecabinet/ecabinet/backend/client"
	"github.com/ecabinet/ecabinet/backend/ecabinet"
	"github.com/ecabinet/ecabinet/backend/testenv"
)

// readmeCommands returns the bin/ecabinet commands of the README's first
// production start, as a person would paste them (continued lines joined).
func readmeCommands(t *testing.T) []string {
	t.Helper()
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(readme), "### First production start")
	if !ok {
		t.Fatal("README.md has no section \"First production start\"")
	}
	var cmds []string
	for _, block := range regexp.MustCompile("(?s)```sh\n(.*?)```").FindAllStringSubmatch(section, -1) {
		if !strings.Contains(block[1], "bin/ecabinet migrate") {
			continue
		}
		for _, line := range strings.Split(strings.ReplaceAll(block[1], "\\\n", " "), "\n") {
			if strings.HasPrefix(line, "bin/ecabinet ") {
				cmds = append(cmds, line)
			}
		}
		return cmds
	}
	t.Fatal("the README's first production start has no block with bin/ecabinet migrate")
	return nil
}

// The README's first production start, as written: on an empty database,
// the migrations, the first body with its admin, and the server that does
// not migrate; the admin then opens the printed link, sets a password and
// is signed in to the new body.
func TestFirstProductionStart(t *testing.T) {
	cmds := readmeCommands(t)
	if len(cmds) != 3 || cmds[0] != "bin/ecabinet migrate" || !strings.HasPrefix(cmds[1], "bin/ecabinet body create ") || cmds[2] != "bin/ecabinet serve" {
		t.Fatalf("the README's commands changed: %q", cmds)
	}
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "bin"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(serverBinary(t), filepath.Join(dir, "bin", "ecabinet")); err != nil {
		t.Fatal(err)
	}
	_, prefix := testenv.Redis(t)
	env := map[string]string{
		"DATABASE_URL": testenv.Postgres(t), "REDIS_URL": testenv.RedisURL(), "ECABINET_REDIS_PREFIX": prefix,
		"ECABINET_MIGRATE": "false", "ECABINET_DATA_DIR": t.TempDir(), "ECABINET_LOG_LEVEL": "warn", "ECABINET_HASH_CONCURRENCY": "2",
	}
	var out strings.Builder
	for _, c := range cmds[:2] {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		cmd := exec.CommandContext(ctx, "bash", "-euo", "pipefail", "-c", c)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), pairs(env)...)
		b, err := cmd.CombinedOutput()
		cancel()
		out.Write(b)
		if err != nil {
			t.Fatalf("%s: %v\n%s", c, err, b)
		}
	}
	token := regexp.MustCompile(`/password#(\S+)`).FindStringSubmatch(out.String())
	if token == nil || !strings.Contains(out.String(), "Body chinh-phu (Chính phủ) created, time zone Asia/Ho_Chi_Minh.") {
		t.Fatalf("body create printed:\n%s", out.String())
	}

	in := testenv.StartInstance(t, filepath.Join(dir, "bin", "ecabinet"), "first", env)
	ctx := context.Background()
	anon := client.New(in.URL)
	var info ecabinet.PasswordLinkInfo
	do(t, anon, "POST", "/api/v1/password-links/inspect", map[string]string{"token": token[1]}, &info)
	if info.Username != "vpcp.admin" || info.FullName != "Nguyễn Văn An" || info.Body != "Chính phủ" {
		t.Fatalf("the link is for %+v", info)
	}
	do(t, anon, "POST", "/api/v1/password-links/use", map[string]string{"token": token[1], "password": "mật khẩu của quản trị"}, nil)
	admin := login(t, in.URL, "vpcp.admin", "mật khẩu của quản trị")
	me, err := admin.Me(ctx)
	if err != nil || me.Body.Slug != "chinh-phu" || me.Member.Role != ecabinet.RoleAdmin || me.Member.Organization != "Văn phòng Chính phủ" {
		t.Fatalf("signed in as %+v in %+v: %v", me.Member, me.Body, err)
	}
}
