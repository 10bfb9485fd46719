package deploytest

import (
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ecabinet/ecabinet/backend/client"
	"github.com/ecabinet/ecabinet/backend/ecabinet"
	"github.com/ecabinet/ecabinet/backend/testenv"
	"golang.org/x/sync/errgroup"
)

const poolPassword = "pgbouncer-test-password"

// Two instances reach PostgreSQL through a real PgBouncer configured by
// deploy/pgbouncer/pgbouncer.ini (transaction pooling), with four server
// connections for both of them, and the migrations
// applied apart (ecabinet migrate against PostgreSQL itself, under its
// advisory lock): before that the servers refuse to start and say what to
// run; then a session runs with a vote cast from both instances and a
// ballot answered, and every answer is counted.
func TestThroughPgBouncer(t *testing.T) {
	bin := serverBinary(t)
	direct := testenv.Postgres(t)
	bouncer := testenv.StartPgBouncer(t, direct, filepath.Join(root, "deploy", "pgbouncer", "pgbouncer.ini"), 4)
	_, prefix := testenv.Redis(t)
	pooled := map[string]string{
		"DATABASE_URL": bouncer.URL(), "ECABINET_DB_POOL_MODE": "transaction", "ECABINET_MIGRATE": "false",
		"REDIS_URL": testenv.RedisURL(), "ECABINET_REDIS_PREFIX": prefix, "ECABINET_DEMO_PASSWORD": poolPassword,
	}
	// Before the migrations: the server refuses to start and says why.
	out, err := command(t, bin, pairs(pooled), "serve")
	if err == nil || !strings.Contains(out, "ecabinet migrate") {
		t.Fatalf("serve on an empty database: %v\n%s", err, out)
	}
	// Through the transaction pool the migrations are refused too: their
	// advisory lock belongs to a session.
	if out, err := command(t, bin, pairs(pooled), "migrate"); err == nil || !strings.Contains(out, "ECABINET_DB_POOL_MODE") {
		t.Fatalf("migrate through the transaction pool: %v\n%s", err, out)
	}
	if out, err := command(t, bin, []string{"DATABASE_URL=" + direct}, "migrate"); err != nil {
		t.Fatalf("migrate against PostgreSQL: %v\n%s", err, out)
	}

	a := testenv.StartInstance(t, bin, "a", with(pooled, "ECABINET_DEMO", "true"))
	b := testenv.StartInstance(t, bin, "b", pooled)
	sec := login(t, a.URL, "secretary1", poolPassword)
	m := session(t, sec, "Phiên họp qua PgBouncer", "Dự thảo Nghị định về kết nối cơ sở dữ liệu")

	// Eighteen of 27 members check in (quorum), half on each instance.
	voters := make([]*client.Client, 18)
	for i := range voters {
		url := a.URL
		if i%2 == 1 {
			url = b.URL
		}
		name := "chair"
		if i > 0 {
			name = fmt.Sprintf("member%02d", i)
		}
		voters[i] = login(t, url, name, poolPassword)
		do(t, voters[i], "POST", meetingPath(m.ID, "/attendance/check-in"), nil, nil)
	}
	chair := voters[0]
	do(t, chair, "POST", meetingPath(m.ID, "/transitions"), map[string]string{"action": "start"}, nil)
	var items []ecabinet.AgendaItem
	do(t, chair, "GET", meetingPath(m.ID, "/agenda"), nil, &items)
	var v ecabinet.Vote
	do(t, chair, "POST", meetingPath(m.ID, "/votes"), ecabinet.VoteInput{ItemID: items[0].ID, Question: "Thông qua dự thảo?"}, &v)
	all(t, voters, func(i int, c *client.Client) error {
		option := ecabinet.OptionAgree
		if i >= 15 {
			option = ecabinet.OptionDisagree
		}
		return c.Do(context.Background(), "POST", fmt.Sprintf("/api/v1/votes/%d/cast", v.ID), map[string]string{"option": option}, nil)
	})
	do(t, chair, "POST", fmt.Sprintf("/api/v1/votes/%d/close", v.ID), nil, &v)
	if v.Result == nil || v.Result.Cast != 18 || v.Result.Outcome != ecabinet.OutcomePassed {
		t.Fatalf("vote result: %+v", v.Result)
	}

	// A written ballot, answered from both instances.
	var ballot ecabinet.Ballot
	do(t, sec, "POST", "/api/v1/ballots", ecabinet.BallotInput{Title: "Phiếu qua PgBouncer", Deadline: time.Now().Add(time.Hour),
		Questions: []string{"Đồng ý ban hành?"}}, &ballot)
	do(t, sec, "POST", fmt.Sprintf("/api/v1/ballots/%d/open", ballot.ID), nil, &ballot)
	answer := map[string]any{"answers": []map[string]any{{"question_id": ballot.Questions[0].ID, "choice": "agree"}}}
	all(t, voters, func(_ int, c *client.Client) error {
		return c.Do(context.Background(), "POST", fmt.Sprintf("/api/v1/ballots/%d/answers", ballot.ID), answer, nil)
	})
	var res ecabinet.BallotResult
	do(t, sec, "GET", fmt.Sprintf("/api/v1/ballots/%d/result", ballot.ID), nil, &res)
	if res.Questions[0].Agree != len(voters) {
		t.Fatalf("ballot: %d agree, want %d", res.Questions[0].Agree, len(voters))
	}

	// Both instances' connections shared PgBouncer's four server connections.
	clients := len(bouncer.Show(t, "CLIENTS"))
	servers := 0
	for _, row := range bouncer.Show(t, "POOLS") {
		if row["database"] == "pgbouncer" {
			continue
		}
		for _, col := range []string{"sv_active", "sv_idle", "sv_used"} {
			n, _ := strconv.Atoi(row[col])
			servers += n
		}
		if row["pool_mode"] != "transaction" {
			t.Fatalf("pool mode %q", row["pool_mode"])
		}
	}
	if servers > bouncer.PoolSize || clients <= servers {
		t.Fatalf("%d client connections on %d server connections (pool of %d)", clients, servers, bouncer.PoolSize)
	}
	t.Logf("%d client connections of two instances shared %d server connections", clients, servers)
}

// all runs fn for every client at once, as members voting together do.
func all(t *testing.T, clients []*client.Client, fn func(i int, c *client.Client) error) {
	t.Helper()
	var g errgroup.Group
	for i, c := range clients {
		g.Go(func() error { return fn(i, c) })
	}
	if err := g.Wait(); err != nil {
		t.Fatal(err)
	}
}

// command runs the server binary with args and the environment plus env,
// and returns what it printed.
func command(t *testing.T, bin string, env []string, args ...string) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = append(append(cmd.Environ(), "ECABINET_LOG_LEVEL=warn", "ECABINET_ADDR=127.0.0.1:"+strconv.Itoa(testenv.FreePort(t)),
		"ECABINET_DATA_DIR="+t.TempDir()), env...)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// with returns a copy of m with k set to v.
func with(m map[string]string, k, v string) map[string]string {
	out := map[string]string{k: v}
	for key, val := range m {
		if key != k {
			out[key] = val
		}
	}
	return out
}
