// Command ecabinet-load is the load generator and benchmark suite of
// e-Cabinet (workloads W1–W6 against real server processes, each compared
// with the W0 floor, ecabinet-floor). It starts the servers itself, on a
// fresh PostgreSQL database and a private Redis prefix, talks to 127.0.0.1
// only, bounds every phase in time, prints a Markdown table and writes a
// JSON summary. See scripts/bench and scripts/bench-results.md.
//
//	ecabinet-load -server bin/ecabinet -floor bin/ecabinet-floor [-w W1,W2] [-runs 3] [-clients 10000] [-json out.json]
//	ecabinet-load merge a.json b.json …   one table (and JSON on stdout) of several summaries
//	ecabinet-load worker     (started by the generator: one share of the clients)
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/ecabinet/ecabinet/backend/load"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "worker" {
		if err := load.ServeWorker(os.Stdin, os.Stdout); err != nil {
			fmt.Fprintln(os.Stderr, "ecabinet-load worker:", err)
			os.Exit(1)
		}
		return
	}
	if len(os.Args) > 1 && os.Args[1] == "merge" {
		if err := merge(os.Args[2:]); err != nil {
			fmt.Fprintln(os.Stderr, "ecabinet-load merge:", err)
			os.Exit(1)
		}
		return
	}
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "ecabinet-load:", err)
		os.Exit(1)
	}
}

func run() error {
	var o load.Options
	self, err := os.Executable()
	if err != nil {
		return err
	}
	flag.StringVar(&o.ServerBin, "server", "bin/ecabinet", "e-Cabinet server binary")
	flag.StringVar(&o.FloorBin, "floor", "bin/ecabinet-floor", "floor server binary (W0)")
	flag.IntVar(&o.Workers, "workers", 2, "client worker processes (0: in this process)")
	flag.StringVar(&o.PostgresAdmin, "postgres", "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable", "PostgreSQL admin URL (a database is created and dropped per run)")
	flag.StringVar(&o.RedisURL, "redis", "redis://127.0.0.1:6379/0", "Redis URL")
	flag.IntVar(&o.Clients, "clients", 10000, "connections of W1, W3, W4; members of W5")
	flag.IntVar(&o.Instances, "instances", 2, "e-Cabinet instances (W1, W2, W4, W5)")
	flag.BoolVar(&o.Ticket, "ticket", false, "connect with WebSocket tickets instead of the session cookie")
	flag.IntVar(&o.Updates, "updates", 100, "W1: agenda updates")
	flag.Float64Var(&o.Rate, "rate", 2, "W1: updates per second")
	flag.IntVar(&o.Meetings, "meetings", 200, "W2, W6: sessions")
	flag.IntVar(&o.PerMeeting, "per-meeting", 50, "W2, W6: members per session")
	flag.Float64Var(&o.StartRate, "start-rate", 20, "W2: first rate (updates/s)")
	flag.Float64Var(&o.MaxRate, "max-rate", 2000, "W2: highest rate tried (updates/s)")
	flag.DurationVar(&o.Step, "step", 10*time.Second, "W2: ramp step")
	flag.DurationVar(&o.Hold, "hold", 60*time.Second, "W2: how long the best rate must hold")
	flag.DurationVar(&o.P99Limit, "p99", 250*time.Millisecond, "W2: p99 limit of a step")
	flag.Float64Var(&o.OutageRate, "outage-rate", 100, "W6: updates per second")
	flag.DurationVar(&o.OutageDuration, "outage-duration", 30*time.Second, "W6: length of the run")
	flag.StringVar(&o.PprofDir, "pprof", "", "directory for CPU profiles of the first instance (W1, W2 hold, W5 burst)")
	workloads := flag.String("w", strings.Join(load.Workloads, ","), "workloads to run, comma-separated")
	runs := flag.Int("runs", 1, "runs of each workload; the median run is reported")
	jsonOut := flag.String("json", "", "write the JSON summary here (default: stdout after the table)")
	timeout := flag.Duration("timeout", 30*time.Minute, "stop everything after this long")
	flag.Parse()
	if o.Workers > 0 {
		o.WorkerBin = self
	}
	o.Log = os.Stderr

	ctx, cancel := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer cancel()
	ctx, cancelT := context.WithTimeout(ctx, *timeout)
	defer cancelT()

	sum := &load.Summary{Runs: map[string][]float64{}, Options: map[string]any{}}
	flag.VisitAll(func(f *flag.Flag) { sum.Options[f.Name] = f.Value.String() })
	for _, w := range strings.Split(*workloads, ",") {
		w = strings.TrimSpace(strings.ToUpper(w))
		var all []*load.Result
		for i := 0; i < *runs && ctx.Err() == nil; i++ {
			fmt.Fprintf(os.Stderr, "== %s run %d/%d\n", w, i+1, *runs)
			r := load.Run(ctx, o, w)
			if r.Err != "" {
				fmt.Fprintf(os.Stderr, "%s run %d failed: %s\n", w, i+1, r.Err)
			}
			all = append(all, r)
			sum.Runs[w] = append(sum.Runs[w], r.Key)
		}
		if m := load.Median(all); m != nil {
			sum.Results = append(sum.Results, m)
		}
	}
	load.WriteTable(os.Stdout, sum)
	data, err := json.MarshalIndent(sum, "", "  ")
	if err != nil {
		return err
	}
	if *jsonOut != "" {
		return os.WriteFile(*jsonOut, append(data, '\n'), 0o644)
	}
	fmt.Printf("\n```json\n%s\n```\n", data)
	return nil
}

// merge prints the table of several JSON summaries (one per workload, as
// scripts/bench writes them) and their combined JSON.
func merge(files []string) error {
	all := &load.Summary{Runs: map[string][]float64{}, Options: map[string]any{}}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		var s load.Summary
		if err := json.Unmarshal(data, &s); err != nil {
			return fmt.Errorf("%s: %w", f, err)
		}
		all.Results = append(all.Results, s.Results...)
		for k, v := range s.Runs {
			all.Runs[k] = v
		}
		for k, v := range s.Options {
			all.Options[k] = v
		}
	}
	load.WriteTable(os.Stdout, all)
	data, err := json.MarshalIndent(all, "", "  ")
	if err != nil {
		return err
	}
	fmt.Printf("\n```json\n%s\n```\n", data)
	return nil
}
