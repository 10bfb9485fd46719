package faults

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ecabinet/ecabinet/backend/client"
	"github.com/ecabinet/ecabinet/backend/ecabinet"
	"github.com/ecabinet/ecabinet/backend/testenv"
)

// Kill the Redis primary in the middle of a session while three Sentinels
// watch it: both instances follow the Sentinels to the replica they
// promote and subscribe there, members following the session on either
// instance miss nothing, and the login limit keeps the failures counted
// before the failover.
func TestRedisSentinelFailover(t *testing.T) {
	set := testenv.StartSentinelSet(t)
	shared := map[string]string{"DATABASE_URL": testenv.Postgres(t), "REDIS_URL": set.URL(), "ECABINET_LOGIN_MAX_FAILURES": "5"}
	a := startInstance(t, "a", demoEnv(shared))
	b := startInstance(t, "b", shared)
	subscribed(t, set.Primary, "a", "b")

	sec := login(t, a.URL, "secretary1")
	m := demoMeeting(t, sec)
	scope := ecabinet.MeetingScope(m.ID)
	firstA, onA := follow(t, login(t, a.URL, "member05"), scope)
	firstB, onB := follow(t, login(t, b.URL, "member06"), scope)

	// Three failed logins before the failover, replicated to the replica.
	for range 3 {
		wrongPassword(t, a.URL, "member20", 401)
	}
	eventually(t, 10*time.Second, "the replica does not hold the failure count", func() error {
		n, err := set.Replica.Client().Get(context.Background(), "ecabinet:rl:login:user:member20").Result()
		if err != nil || n != "3" {
			return fmt.Errorf("count %q: %v", n, err)
		}
		return nil
	})

	const changes = 40
	markAttendance(t, sec, m, changes, 15, set.Primary.Kill)
	set.WaitMaster(set.Replica.Addr(), 30*time.Second)
	subscribed(t, set.Replica, "a", "b")
	inOrder(t, "member05 on a", onA, firstA, firstA+changes, 30*time.Second)
	inOrder(t, "member06 on b", onB, firstB, firstB+changes, 30*time.Second)

	// Changes after the failover travel through the new primary.
	markAttendance(t, sec, m, 5, -1, nil)
	inOrder(t, "member06 on b", onB, firstB+changes, firstB+changes+5, 10*time.Second)
	for _, in := range []*instance{a, b} {
		in.WaitReady(t, 10*time.Second)
	}

	// The count goes on from three on the new primary: two more failures
	// reach the limit, and then even the right password waits.
	for range 2 {
		wrongPassword(t, b.URL, "member20", 401)
	}
	var ae *client.Error
	if _, err := client.New(a.URL).Login(context.Background(), "member20", password); !errors.As(err, &ae) || ae.Status != 429 {
		t.Fatalf("the sixth attempt after five failures, three of them before the failover: %v", err)
	}
}

// wrongPassword tries to sign username in with a wrong password and
// expects status.
func wrongPassword(t *testing.T, url, username string, status int) {
	t.Helper()
	var ae *client.Error
	if _, err := client.New(url).Login(context.Background(), username, "not the password"); !errors.As(err, &ae) || ae.Status != status {
		t.Fatalf("a wrong password for %s: %v, want %d", username, err, status)
	}
}

// subscribed waits until every named instance has a subscribed connection
// (its bus) on server: CLIENT LIST shows it by its name with sub=1 or more.
func subscribed(t *testing.T, server *testenv.RedisServer, instances ...string) {
	t.Helper()
	c := server.Client()
	eventually(t, 30*time.Second, "the instances are not subscribed on "+server.Addr(), func() error {
		list, err := c.ClientList(context.Background()).Result()
		if err != nil {
			return err
		}
		for _, name := range instances {
			found := false
			for _, line := range strings.Split(list, "\n") {
				found = found || strings.Contains(line, " name=ecabinet-"+name+" ") && !strings.Contains(line, " sub=0 ")
			}
			if !found {
				return fmt.Errorf("no subscription of %s in:\n%s", name, list)
			}
		}
		return nil
	})
}
