// Command ecabinet runs an e-Cabinet server instance.
//
//	ecabinet            serve (configuration from the environment; see README)
//	ecabinet serve      the same
//	ecabinet migrate    apply database migrations and exit (see migrate.go)
//	ecabinet body create|list|deactivate|activate   the bodies and their first admins (see body.go)
//	ecabinet members import|export                    members as CSV, for an admin (see members.go)
//	ecabinet ballot-verify <id>   check every signed answer of a ballot offline
//	ecabinet audit verify         check the audit log's hash chain
//	ecabinet backup <file>        copy the embedded SQLite database, while it runs
//	ecabinet restore <file>       replace the embedded SQLite database by a backup
//	ecabinet new-epochs           new event stream epochs after a restore (see backup.go)
//	ecabinet demo-year [flags]    fill a body with a year of sessions, ballots and tasks (see -h)
//	ecabinet config     print the environment variables as the README's Markdown table
//	ecabinet openapi    print the API's OpenAPI document (the tablet app's types are generated from it)
package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"syscall"

	"github.com/ecabinet/ecabinet/backend/app"
	"github.com/ecabinet/ecabinet/backend/config"
	ehttp "github.com/ecabinet/ecabinet/backend/http"
)

func main() {
	if err := run(os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "ecabinet:", err)
		os.Exit(1)
	}
}

func run(args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	cmd := "serve"
	if len(args) > 0 {
		cmd = args[0]
	}
	if cmd == "config" {
		fmt.Fprintln(stdout, "| Variable | Default | Meaning |\n|---|---|---|")
		for _, v := range config.Vars {
			def := "(empty)"
			if v.Default != "" {
				def = "`" + v.Default + "`"
			}
			fmt.Fprintf(stdout, "| `%s` | %s | %s |\n", v.Name, def, v.Description)
		}
		return nil
	}
	if cmd == "openapi" {
		doc, err := ehttp.OpenAPI()
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(stdout, "%s\n", doc)
		return err
	}
	cfg, err := config.Load(getenv)
	if err != nil {
		return err
	}
	log := newLogger(stderr, cfg.LogLevel, cfg.InstanceID)
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()

	switch cmd {
	case "serve":
		a, err := app.New(ctx, cfg, log)
		if err != nil {
			return err
		}
		defer a.Close()
		ln, err := net.Listen("tcp", cfg.Addr)
		if err != nil {
			return fmt.Errorf("ECABINET_ADDR=%s: %w", cfg.Addr, err)
		}
		return a.Run(ctx, ln)
	case "migrate":
		return migrate(ctx, cfg, log, stdout)
	case "ballot-verify", "audit", "demo-year", "body", "members":
		db, err := app.OpenStore(ctx, cfg, log)
		if err != nil {
			return err
		}
		defer db.Close()
		switch cmd {
		case "body":
			return bodyCommand(ctx, cfg, db, args[1:], stdin, stdout)
		case "members":
			return membersCommand(ctx, db, args[1:], stdout)
		case "ballot-verify":
			return ballotVerify(ctx, db, args[1:], stdout)
		case "audit":
			return auditVerify(ctx, db, args[1:], stdout)
		case "demo-year":
			return demoYear(ctx, cfg, db, log, args[1:], stdout)
		}
		return nil
	case "backup", "restore", "new-epochs":
		return backupCommand(ctx, cmd, args[1:], cfg, log, stdout)
	}
	return fmt.Errorf("unknown command %q (want serve, migrate, body, members, ballot-verify, audit, demo-year, backup, restore, new-epochs or config)", cmd)
}

func newLogger(w io.Writer, level, instance string) *slog.Logger {
	var l slog.Level
	_ = l.UnmarshalText([]byte(level))
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: l})).With("instance", instance)
}
