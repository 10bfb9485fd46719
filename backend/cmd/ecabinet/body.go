package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/ecabinet/ecabinet/backend/auth"
	"github.com/ecabinet/ecabinet/backend/config"
	"github.com/ecabinet/ecabinet/backend/ecabinet"
	"github.com/ecabinet/ecabinet/backend/store"
)

// bodyCommand runs "ecabinet body": the operator creates, lists,
// deactivates and activates bodies. Nobody does it through the application
// (backend/SECURITY.md says why).
//
//	body create -slug S -name N [-timezone TZ] [-settings FILE] [-set key=value]… -admin USER -admin-name NAME [-password-stdin]
//	body list
//	body deactivate SLUG
//	body activate SLUG
func bodyCommand(ctx context.Context, cfg *config.Config, db *store.DB, args []string, stdin io.Reader, out io.Writer) error {
	if len(args) == 0 {
		return errors.New("usage: ecabinet body create|list|deactivate|activate (ecabinet body create -h for its flags)")
	}
	switch args[0] {
	case "create":
		return bodyCreate(ctx, cfg, db, args[1:], stdin, out)
	case "list":
		return bodyList(ctx, db, out)
	case "deactivate", "activate":
		if len(args) != 2 {
			return fmt.Errorf("usage: ecabinet body %s SLUG", args[0])
		}
		b, ended, err := db.SetBodyActive(ctx, args[1], args[0] == "activate")
		if err != nil {
			return humanError(err)
		}
		if b.Active {
			fmt.Fprintf(out, "Body %s (%s) is active: its members may sign in.\n", b.Slug, b.Name)
			return nil
		}
		fmt.Fprintf(out, "Body %s (%s) is deactivated: its members cannot sign in (%d sign-ins ended; open screens close within minutes).\n", b.Slug, b.Name, ended)
		return nil
	}
	return fmt.Errorf("unknown body command %q (want create, list, deactivate or activate)", args[0])
}

// settingFlags collects -set key=value.
type settingFlags []string

func (s *settingFlags) String() string     { return strings.Join(*s, " ") }
func (s *settingFlags) Set(v string) error { *s = append(*s, v); return nil }

func bodyCreate(ctx context.Context, cfg *config.Config, db *store.DB, args []string, stdin io.Reader, out io.Writer) error {
	fs := flag.NewFlagSet("body create", flag.ContinueOnError)
	fs.SetOutput(out)
	var in ecabinet.BodyInput
	var admin ecabinet.MemberInput
	var sets settingFlags
	fs.StringVar(&in.Slug, "slug", "", "slug of the body: lower-case letters, digits and hyphens (ubnd-lao-cai)")
	fs.StringVar(&in.Name, "name", "", "name of the body (Ủy ban nhân dân tỉnh Lào Cai)")
	timezone := fs.String("timezone", "", "time zone of the body (default Asia/Ho_Chi_Minh, or the settings file's)")
	settingsFile := fs.String("settings", "", "JSON file of the body's rules (the fields of GET /api/v1/body's settings; absent ones keep their defaults)")
	fs.Var(&sets, "set", "one rule, as name=value (quorum_numerator=1, mfa_required=true); repeatable, after -settings")
	fs.StringVar(&admin.Username, "admin", "", "username of the body's first admin")
	fs.StringVar(&admin.FullName, "admin-name", "", "full name of the first admin")
	fs.StringVar(&admin.Title, "admin-title", "", "title of the first admin")
	fs.StringVar(&admin.Organization, "admin-organization", "", "organisation of the first admin (joins the body's list)")
	fs.StringVar(&admin.Email, "admin-email", "", "e-mail address of the first admin")
	clearance := fs.String("admin-clearance", string(ecabinet.ClassNone), "clearance of the first admin: none, confidential, secret or top_secret")
	passwordStdin := fs.Bool("password-stdin", false, "read the admin's password from the first line of standard input instead of printing a one-time link")
	linkValid := fs.Duration("link-valid", cfg.PasswordLinkLifetime, "how long the one-time link stays valid")
	base := fs.String("url", cfg.PublicURL, "address of the app for the link (default ECABINET_PUBLIC_URL)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected %q: every value is given by a flag", fs.Arg(0))
	}
	var err error
	if in.Settings, err = bodySettings(*settingsFile, sets, *timezone); err != nil {
		return err
	}
	admin.Clearance = ecabinet.Classification(*clearance)
	if *passwordStdin {
		line, err := bufio.NewReader(stdin).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return err
		}
		if admin.Password = strings.TrimRight(line, "\r\n"); admin.Password == "" {
			return errors.New("-password-stdin: standard input holds no password")
		}
	}
	if *linkValid < 10*time.Minute || *linkValid > 30*24*time.Hour {
		return errors.New("-link-valid: want a duration from 10m to 720h")
	}
	nb, err := db.CreateBodyWithAdmin(ctx, auth.NewHasher(cfg.HashConcurrency), in, admin, *linkValid, *base)
	if err != nil {
		return humanError(err)
	}
	b, loc := nb.Body, nb.Body.Settings.Location()
	fmt.Fprintf(out, "Body %s (%s) created, time zone %s.\n", b.Slug, b.Name, b.Settings.Timezone)
	if nb.Link == nil {
		fmt.Fprintf(out, "Its first admin, %s, signs in with the password given.\n", nb.Admin.Username)
		return nil
	}
	fmt.Fprintf(out, "Its first admin, %s, sets a password by opening this link once, before %s:\n\n  %s\n\n",
		nb.Admin.Username, nb.Link.ExpiresAt.In(loc).Format("2006-01-02 15:04 MST"), nb.Link.URL)
	if *base == "" {
		fmt.Fprintln(out, "Open it at the app's address (set ECABINET_PUBLIC_URL or -url to print it whole).")
	}
	fmt.Fprintln(out, "The link is shown only now; ask the admin to open it soon.")
	return nil
}

// bodySettings are the default rules, then the file's, then each -set, then
// the time zone; names and values are checked as the API checks them.
func bodySettings(file string, sets []string, timezone string) (ecabinet.BodySettings, error) {
	s := ecabinet.DefaultBodySettings()
	if file != "" {
		data, err := os.ReadFile(file)
		if err != nil {
			return s, err
		}
		if err := strictJSON(data, &s); err != nil {
			return s, fmt.Errorf("-settings %s: %w", file, err)
		}
	}
	for _, kv := range sets {
		name, value, ok := strings.Cut(kv, "=")
		if !ok {
			return s, fmt.Errorf("-set %s: want name=value", kv)
		}
		raw := []byte(value)
		if !json.Valid(raw) {
			raw, _ = json.Marshal(value) // a bare word is a string
		}
		obj, _ := json.Marshal(map[string]json.RawMessage{strings.TrimSpace(name): raw})
		if err := strictJSON(obj, &s); err != nil {
			return s, fmt.Errorf("-set %s: %w", kv, err)
		}
	}
	if timezone != "" {
		s.Timezone = timezone
	}
	return s, nil
}

func strictJSON(data []byte, v any) error {
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}

func bodyList(ctx context.Context, db *store.DB, out io.Writer) error {
	bodies, err := db.ListBodies(ctx)
	if err != nil {
		return err
	}
	w := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "SLUG\tNAME\tTIME ZONE\tSTATE\tMEMBERS\tADMINS\tCREATED")
	for _, b := range bodies {
		state := "active"
		if !b.Active {
			state = "deactivated"
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%d\t%d\t%s\n", b.Slug, b.Name, b.Settings.Timezone, state, b.Members, b.Admins,
			b.CreatedAt.In(b.Settings.Location()).Format(time.DateOnly))
	}
	return w.Flush()
}

// humanError turns a domain error into its English message (and field),
// as a person at a terminal reads it.
func humanError(err error) error {
	var e *ecabinet.Error
	if !errors.As(err, &e) {
		return err
	}
	if e.Field != "" && e.Field != "file" {
		return fmt.Errorf("%s: %s", e.Field, e.Message("en"))
	}
	return errors.New(e.Message("en"))
}
