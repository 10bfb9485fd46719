package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/ecabinet/ecabinet/backend/ecabinet"
	"github.com/ecabinet/ecabinet/backend/store"
)

// membersCommand runs "ecabinet members", on behalf of an admin of the
// body (whose name the audit log records, as in the app):
//
//	members import -admin USER [-apply] [-create-organizations] FILE   (a dry run unless -apply)
//	members export -admin USER [FILE]                                  (standard output without FILE)
func membersCommand(ctx context.Context, db *store.DB, args []string, out io.Writer) error {
	if len(args) == 0 || args[0] != "import" && args[0] != "export" {
		return errors.New("usage: ecabinet members import|export -admin USER … (ecabinet members import -h for its flags)")
	}
	fs := flag.NewFlagSet("members "+args[0], flag.ContinueOnError)
	fs.SetOutput(out)
	admin := fs.String("admin", "", "username of an admin of the body, on whose behalf the command acts")
	apply := fs.Bool("apply", false, "import: write the members (only when every line is valid); without it, a dry run")
	createOrgs := fs.Bool("create-organizations", false, "import: add organisations not in the body's list instead of refusing their lines")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	a, err := db.ActorByUsername(ctx, *admin)
	if err != nil || a.Role != ecabinet.RoleAdmin {
		return fmt.Errorf("-admin %q: not an active admin of any body", *admin)
	}
	ctx = ecabinet.NewContextWithActor(ctx, a)
	members := store.NewMemberService(db)
	if args[0] == "export" {
		return membersExport(ctx, db, members, a, fs.Args(), out)
	}
	if fs.NArg() != 1 {
		return errors.New("usage: ecabinet members import -admin USER [-apply] [-create-organizations] FILE")
	}
	data, err := os.ReadFile(fs.Arg(0))
	if err != nil {
		return err
	}
	rep, err := members.ImportMembers(ctx, data, ecabinet.ImportOptions{DryRun: !*apply, CreateOrganizations: *createOrgs})
	if rep != nil {
		printImport(out, rep)
	}
	if err == nil && rep.Invalid > 0 {
		return fmt.Errorf("%d lines have problems", rep.Invalid)
	}
	return humanError(err)
}

// printImport lists what the import does with each line, then the totals.
func printImport(out io.Writer, rep *ecabinet.ImportReport) {
	rep.Localize("en")
	w := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	for _, l := range rep.Lines {
		var detail []string
		if len(l.Changes) > 0 {
			detail = append(detail, strings.Join(l.Changes, ", "))
		}
		if l.NewOrganization != "" {
			detail = append(detail, "new organisation "+l.NewOrganization)
		}
		for _, p := range l.Errors {
			if p.Field != "" {
				p.Message = p.Field + ": " + p.Message
			}
			detail = append(detail, p.Message)
		}
		fmt.Fprintf(w, "line %d\t%s\t%s\t%s\n", l.Line, l.Action, l.Username, strings.Join(detail, " | "))
	}
	_ = w.Flush()
	verb := "would be"
	if rep.Applied {
		verb = "were"
	}
	fmt.Fprintf(out, "%d created, %d updated, %d unchanged, %d invalid: members %s written", rep.Created, rep.Updated, rep.Unchanged, rep.Invalid, verb)
	switch {
	case rep.Invalid > 0:
		fmt.Fprintln(out, " once every line is valid; nothing was written.")
	case !rep.Applied:
		fmt.Fprintln(out, " with -apply.")
	default:
		fmt.Fprintln(out, ". New members set their passwords through one-time links an admin makes in the app.")
	}
}

func membersExport(ctx context.Context, db *store.DB, members *store.MemberService, a ecabinet.Actor, args []string, out io.Writer) error {
	ms, err := members.ListMembers(ctx)
	if err != nil {
		return err
	}
	if err := db.Audit(ctx, ecabinet.AuditRecord{BodyID: a.BodyID, ActorID: a.MemberID, Action: ecabinet.AuditExport,
		Subject: ecabinet.Subject("body", a.BodyID), Detail: map[string]string{"format": "csv", "export": "members", "by": "ecabinet members export"}}); err != nil {
		return err
	}
	switch len(args) {
	case 0:
		return ecabinet.WriteMembersCSV(out, ms)
	case 1:
		f, err := os.Create(args[0])
		if err != nil {
			return err
		}
		if err := ecabinet.WriteMembersCSV(f, ms); err != nil {
			_ = f.Close()
			return err
		}
		return f.Close()
	}
	return errors.New("usage: ecabinet members export -admin USER [FILE]")
}
