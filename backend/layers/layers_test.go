// Package layers_test holds the rules of which backend package may depend
// on which, checked over `go list -deps` (the packages a build compiles,
// tests aside).
package layers_test

import (
	"errors"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/ecabinet/ecabinet/backend/"

// importers returns, for every package the build of pkg compiles (itself
// included), the packages it imports directly.
func importers(t *testing.T, pkg string) map[string][]string {
	t.Helper()
	out, err := exec.Command("go", "list", "-deps", "-f", "{{.ImportPath}} {{join .Imports \" \"}}", module+pkg).Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			t.Fatalf("go list -deps %s: %v\n%s", pkg, err, ee.Stderr)
		}
		t.Fatalf("go list -deps %s: %v", pkg, err)
	}
	m := map[string][]string{}
	for line := range strings.Lines(string(out)) {
		f := strings.Fields(line)
		m[f[0]] = f[1:]
	}
	return m
}

// through returns the packages in the build of pkg that import dep directly.
func through(t *testing.T, pkg, dep string) []string {
	var via []string
	for p, imports := range importers(t, pkg) {
		if slices.Contains(imports, module+dep) {
			via = append(via, p)
		}
	}
	slices.Sort(via)
	return via
}

// TestNoDatabaseBelowHTTP: the HTTP layer and the sign-in service reach the
// database only through the interfaces they declare, so neither compiles
// the store (nor its 30-odd database packages), directly or through
// another package.
func TestNoDatabaseBelowHTTP(t *testing.T) {
	// The check sees a dependency that exists.
	if len(through(t, "app", "store")) == 0 {
		t.Fatal("no package in the build of app imports store: the check cannot see a dependency")
	}
	for _, pkg := range []string{"http", "auth"} {
		if via := through(t, pkg, "store"); len(via) > 0 {
			t.Errorf("the build of %s compiles store, imported by %v; take the type or function needed from ecabinet", pkg, via)
		}
	}
}

// TestLogAndNoticesApartFromServices: the event log, the notification
// outbox and the Web Push sender stand beside the services, not on them.
func TestLogAndNoticesApartFromServices(t *testing.T) {
	for _, pkg := range []string{"eventlog", "notification", "push"} {
		if via := through(t, pkg, "store"); len(via) > 0 {
			t.Errorf("the build of %s compiles store, imported by %v", pkg, via)
		}
	}
}
