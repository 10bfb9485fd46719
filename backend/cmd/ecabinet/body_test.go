package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The operator's commands at a terminal: a body with rules from a file and
// flags and an admin whose password comes from standard input; the list;
// an import checked, refused with every problem, then applied; the export.
func TestBodyAndMembersCommands(t *testing.T) {
	dir := t.TempDir()
	env := func(k string) string {
		return map[string]string{"ECABINET_DATA_DIR": dir, "ECABINET_LOG_LEVEL": "error", "ECABINET_HASH_CONCURRENCY": "2"}[k]
	}
	cmd := func(stdin string, args ...string) (string, error) {
		var out bytes.Buffer
		err := run(args, env, strings.NewReader(stdin), &out, &out)
		return out.String(), err
	}
	rules := filepath.Join(dir, "rules.json")
	if err := os.WriteFile(rules, []byte(`{"quorum_numerator": 1, "quorum_denominator": 2, "mfa_required": true}`), 0o600); err != nil {
		t.Fatal(err)
	}
	create := []string{"body", "create", "-slug", "ubnd-ha-giang", "-name", "Ủy ban nhân dân tỉnh Hà Giang", "-settings", rules,
		"-set", "pass_rule=majority_of_cast", "-set", "reserve_copies=2", "-admin", "qt.hagiang", "-admin-name", "Lò Văn Hùng", "-password-stdin"}
	for _, bad := range [][]string{
		{"-set", "quorum=2"},          // no such rule
		{"-set", "reserve_copies=ba"}, // not a number
		{"-timezone", "Mars/Olympus"}, // no such time zone
	} {
		if out, err := cmd("mật khẩu ban đầu\n", append(append([]string{}, create...), bad...)...); err == nil {
			t.Fatalf("%v accepted:\n%s", bad, out)
		}
	}
	if _, err := cmd("", create...); err == nil || !strings.Contains(err.Error(), "no password") {
		t.Fatalf("an empty standard input: %v", err)
	}
	out, err := cmd("mật khẩu ban đầu\n", create...)
	if err != nil || !strings.Contains(out, "Body ubnd-ha-giang (Ủy ban nhân dân tỉnh Hà Giang) created, time zone Asia/Ho_Chi_Minh.") ||
		!strings.Contains(out, "qt.hagiang, signs in with the password given") || strings.Contains(out, "#") {
		t.Fatalf("create: %v\n%s", err, out)
	}
	if out, _ := cmd("", "body", "list"); !strings.Contains(out, "ubnd-ha-giang") || !strings.Contains(out, "active") {
		t.Fatalf("list:\n%s", out)
	}

	file := filepath.Join(dir, "members.csv")
	csv := "username,full_name,title,organization,role,clearance,voting,email\n" +
		"ct.hagiang,Nguyễn Văn Chủ,Chủ tịch UBND tỉnh,UBND tỉnh Hà Giang,chair,secret,yes,\n" +
		"pct.hagiang,Vàng Thị Mai,Phó Chủ tịch,UBND tỉnh Hà Giang,mayor,none,yes,\n"
	if err := os.WriteFile(file, []byte(csv), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err = cmd("", "members", "import", "-admin", "qt.hagiang", "-create-organizations", file)
	if err == nil || !strings.Contains(out, "line 2  create   ct.hagiang   new organisation UBND tỉnh Hà Giang") ||
		!strings.Contains(out, `line 3  invalid  pct.hagiang  role: There is no role "mayor"`) {
		t.Fatalf("a dry run with a problem: %v\n%s", err, out)
	}
	if err := os.WriteFile(file, []byte(strings.Replace(csv, "mayor", "member", 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err = cmd("", "members", "import", "-admin", "qt.hagiang", "-create-organizations", "-apply", file); err != nil ||
		!strings.Contains(out, "2 created, 0 updated, 0 unchanged, 0 invalid: members were written") {
		t.Fatalf("apply: %v\n%s", err, out)
	}
	if out, err = cmd("", "members", "export", "-admin", "qt.hagiang"); err != nil ||
		!strings.Contains(out, "pct.hagiang,Vàng Thị Mai,Phó Chủ tịch,UBND tỉnh Hà Giang,member,none,true,") {
		t.Fatalf("export: %v\n%s", err, out)
	}
	if _, err := cmd("", "members", "import", "-admin", "ct.hagiang", file); err == nil || !strings.Contains(err.Error(), "not an active admin") {
		t.Fatalf("as a non-admin: %v", err)
	}
	if out, err = cmd("", "body", "deactivate", "ubnd-ha-giang"); err != nil || !strings.Contains(out, "is deactivated") {
		t.Fatalf("deactivate: %v\n%s", err, out)
	}
}
