// Command ecabinet-pdfcost measures what hostile and long PDFs cost a real
// server process: for each case it starts a fresh instance of the given
// binary (embedded SQLite, demo data) on loopback, uploads the document
// as the secretariat and opens it as members, and reports the server's
// peak resident memory (VmHWM) and the CPU time it used, read from /proc.
//
//	go run ./backend/cmd/ecabinet-pdfcost -bin bin/ecabinet
//
// Cases: the inflation bomb (one page inflating to 300 MB), the page bomb
// (20,000 pages in 2 MB), and a short document opened while two members
// open a long one. With -raise, the body's document limits are raised
// first (a server that has them), so that the bombs are stored and opened.
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/ecabinet/ecabinet/backend/client"
	"github.com/ecabinet/ecabinet/backend/ecabinet"
	"github.com/ecabinet/ecabinet/backend/load"
	"github.com/ecabinet/ecabinet/backend/pdf/pdftest"
)

const password = "pdfcost-demo-password"

func main() {
	bin := flag.String("bin", "bin/ecabinet", "the server binary")
	raise := flag.Bool("raise", false, "raise the body's document limits first, so that the bombs are stored")
	longPages := flag.Int("long", 5000, "pages of the long document of the fairness case")
	timeout := flag.Duration("timeout", 5*time.Minute, "longest wait for one opening")
	only := flag.String("case", "", "run one case: inflation, pages or fairness")
	flag.Parse()
	var inflation, pages, long bytes.Buffer
	must(pdftest.WriteInflationBomb(&inflation, 300_000_000))
	must(pdftest.WritePageBomb(&pages, 20_000))
	must(pdftest.WritePageBomb(&long, *longPages))
	r := &runner{bin: *bin, raise: *raise, timeout: *timeout}
	if *only == "" || *only == "inflation" {
		r.bomb("inflation bomb (1 page, 300 MB inflated)", inflation.Bytes())
	}
	if *only == "" || *only == "pages" {
		r.bomb("page bomb (20,000 pages)", pages.Bytes())
	}
	if *only == "" || *only == "fairness" {
		r.fairness(long.Bytes(), *longPages)
	}
}

func must[T any](_ T, err error) {
	if err != nil {
		log.Fatal(err)
	}
}

type runner struct {
	bin     string
	raise   bool
	timeout time.Duration
}

// instance is a fresh server with a session document ready for uploads.
type instance struct {
	srv     *load.Server
	sec     *client.Client
	meeting int64
	item    int64
}

func (r *runner) start() *instance {
	dir, err := os.MkdirTemp("", "ecabinet-pdfcost-")
	if err != nil {
		log.Fatal(err)
	}
	srv, err := load.StartServer(context.Background(), "ecabinet", r.bin, false, []string{"ECABINET_DATA_DIR=" + dir,
		"ECABINET_DEMO=true", "ECABINET_DEMO_PASSWORD=" + password, "ECABINET_LOG_LEVEL=warn"})
	if err != nil {
		log.Fatal(err)
	}
	in := &instance{srv: srv, sec: r.login(srv, "secretary1")}
	var meetings []ecabinet.Meeting
	if err := in.sec.Do(context.Background(), "GET", "/api/v1/meetings?status=published", nil, &meetings); err != nil || len(meetings) == 0 {
		log.Fatalf("no published session: %v", err)
	}
	in.meeting = meetings[0].ID
	var agenda []ecabinet.AgendaItem
	if err := in.sec.Do(context.Background(), "GET", fmt.Sprintf("/api/v1/meetings/%d/agenda", in.meeting), nil, &agenda); err != nil || len(agenda) == 0 {
		log.Fatalf("no agenda: %v", err)
	}
	in.item = agenda[0].ID
	if r.raise {
		admin := r.login(srv, "admin")
		me, err := admin.Me(context.Background())
		if err != nil {
			log.Fatal(err)
		}
		st := me.Body.Settings
		st.DocumentMaxPages, st.DocumentMaxStreamMiB, st.DocumentMaxDecodedMiB = 100_000, 4096, 4096
		if err := admin.Do(context.Background(), "PUT", "/api/v1/body/settings", st, nil); err != nil {
			log.Fatalf("raising the limits: %v", err)
		}
	}
	return in
}

func (r *runner) login(srv *load.Server, user string) *client.Client {
	c := client.New(srv.URL)
	c.HTTP.Timeout = 0 // the opening's own timeout applies
	if _, err := c.Login(context.Background(), user, password); err != nil {
		log.Fatalf("login %s: %v", user, err)
	}
	return c
}

// usage is the server's CPU time so far and its peak resident memory.
func usage(srv *load.Server) (time.Duration, int64) {
	cpu, err := srv.CPU()
	if err != nil {
		log.Fatal(err)
	}
	peak, err := srv.PeakRSS()
	if err != nil {
		log.Fatal(err)
	}
	return cpu, peak
}

// upload adds a document to the session and uploads doc to it.
func (in *instance) upload(title string, doc []byte) (*ecabinet.Document, error) {
	var d ecabinet.Document
	if err := in.sec.Do(context.Background(), "POST", fmt.Sprintf("/api/v1/meetings/%d/documents", in.meeting),
		ecabinet.DocumentInput{Title: title, ItemID: &in.item, Classification: ecabinet.ClassNone}, &d); err != nil {
		log.Fatal(err)
	}
	return in.sec.UploadVersion(context.Background(), d.ID, title+".pdf", bytes.NewReader(doc), int64(len(doc)))
}

// open reads a document as c, whole, and returns how long it took.
func (r *runner) open(c *client.Client, d *ecabinet.Document) (time.Duration, error) {
	ctx, cancel := context.WithTimeout(context.Background(), r.timeout)
	defer cancel()
	start := time.Now()
	resp, err := c.Send(ctx, "GET", fmt.Sprintf("/api/v1/documents/%d/versions/%d/content", d.ID, d.Current.ID), nil, "", nil)
	if err != nil {
		return time.Since(start), err
	}
	defer resp.Body.Close()
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		return time.Since(start), err
	}
	if resp.StatusCode != http.StatusOK {
		return time.Since(start), fmt.Errorf("status %d", resp.StatusCode)
	}
	return time.Since(start), nil
}

func (r *runner) bomb(name string, doc []byte) {
	in := r.start()
	defer in.srv.Kill()
	cpu0, rss0 := usage(in.srv)
	start := time.Now()
	d, err := in.upload("bomb", doc)
	cpu1, rss1 := usage(in.srv)
	fmt.Printf("%s, %d KiB\n  idle: peak RSS %s\n", name, len(doc)>>10, mib(rss0))
	verdict := "accepted"
	var ae *client.Error
	if errors.As(err, &ae) {
		verdict = fmt.Sprintf("refused %d %s: %s", ae.Status, ae.Code, ae.Message)
	} else if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("  upload: %s in %s; server CPU %s, peak RSS %s\n", verdict, time.Since(start).Round(time.Millisecond), (cpu1 - cpu0).Round(time.Millisecond), mib(rss1))
	if err != nil {
		return
	}
	took, err := r.open(r.login(in.srv, "member01"), d)
	cpu2, rss2 := settle(in.srv)
	fmt.Printf("  first opening: %s (%v); server CPU %s until idle, peak RSS %s\n", took.Round(time.Millisecond), errText(err), (cpu2 - cpu1).Round(time.Millisecond), mib(rss2))
}

// settle waits until the server has stopped working (work a client gave
// up on may go on) and returns its usage then.
func settle(srv *load.Server) (time.Duration, int64) {
	cpu, _ := usage(srv)
	for range 300 {
		time.Sleep(2 * time.Second)
		now, _ := usage(srv)
		if now-cpu < 100*time.Millisecond {
			break
		}
		cpu = now
	}
	return usage(srv)
}

// fairness opens a two-page document while two members open a long one.
func (r *runner) fairness(long []byte, pages int) {
	in := r.start()
	defer in.srv.Kill()
	big, err := in.upload("long", long)
	if err != nil {
		log.Fatalf("the long document: %v", err)
	}
	short, err := in.upload("short", pdftest.Valid(2))
	if err != nil {
		log.Fatal(err)
	}
	alone, err := r.open(r.login(in.srv, "member04"), short)
	if err != nil {
		log.Fatal(err)
	}
	cpu0, _ := usage(in.srv)
	var wg sync.WaitGroup
	longTimes := make([]time.Duration, 2)
	for i, user := range []string{"member01", "member02"} {
		c := r.login(in.srv, user)
		wg.Add(1)
		go func() {
			defer wg.Done()
			longTimes[i], _ = r.open(c, big)
		}()
	}
	time.Sleep(100 * time.Millisecond) // both long openings under way
	during, err := r.open(r.login(in.srv, "member03"), short)
	wg.Wait()
	cpu1, rss := settle(in.srv)
	fmt.Printf("short document (2 pages) while two members open a %d-page one\n", pages)
	fmt.Printf("  alone: %s; during: %s (%v); long openings %s and %s; server CPU %s, peak RSS %s\n", alone.Round(time.Millisecond),
		during.Round(time.Millisecond), errText(err), longTimes[0].Round(time.Millisecond), longTimes[1].Round(time.Millisecond),
		(cpu1 - cpu0).Round(time.Millisecond), mib(rss))
}

func errText(err error) string {
	if err == nil {
		return "ok"
	}
	return err.Error()
}

func mib(n int64) string { return fmt.Sprintf("%.0f MiB", float64(n)/(1<<20)) }
