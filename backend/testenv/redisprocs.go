package testenv

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// RedisServer is a redis-server process of a test's own, without
// persistence, so that killing or restarting it disturbs no other test.
type RedisServer struct {
	t    testing.TB
	Port int
	dir  string
	args []string
	Proc *Proc
}

// StartRedis runs redis-server on a free loopback port with extra
// arguments (such as "--replicaof", "127.0.0.1", "6379").
func StartRedis(t testing.TB, extra ...string) *RedisServer {
	t.Helper()
	RequireProgram(t, "redis-server")
	r := &RedisServer{t: t, Port: FreePort(t), dir: t.TempDir(), args: extra}
	r.Start()
	return r
}

// Addr is host:port.
func (r *RedisServer) Addr() string { return "127.0.0.1:" + strconv.Itoa(r.Port) }

// URL is the redis:// URL of the server.
func (r *RedisServer) URL() string { return "redis://" + r.Addr() + "/0" }

// Start runs the server (again) and waits until it accepts connections.
func (r *RedisServer) Start() {
	args := append([]string{"--port", strconv.Itoa(r.Port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
		"--dir", r.dir}, r.args...)
	r.Proc = StartProc(r.t, nil, "redis-server", args...)
	waitListening(r.t, r.Addr(), r.Proc)
}

// Kill ends the server with SIGKILL: what it held is gone.
func (r *RedisServer) Kill() { r.Proc.Kill() }

// Restart kills the server and starts it again, empty.
func (r *RedisServer) Restart() {
	r.Kill()
	r.Start()
}

// Client returns a client of this server alone, closed when the test ends.
func (r *RedisServer) Client() *redis.Client {
	c := redis.NewClient(&redis.Options{Addr: r.Addr(), MaxRetries: -1})
	r.t.Cleanup(func() { _ = c.Close() })
	return c
}

func waitListening(t testing.TB, addr string, p *Proc) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-p.Done():
			t.Fatalf("%s exited while starting:\n%s", addr, p.Output())
		default:
		}
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("nothing listens on %s", addr)
}

// SentinelSet is a primary with one replica watched by three Sentinels, as a
// production Redis that fails over.
type SentinelSet struct {
	t         testing.TB
	Name      string // the master name the Sentinels know
	Primary   *RedisServer
	Replica   *RedisServer
	Sentinels []*RedisServer
}

// StartSentinelSet runs a primary, a replica and three Sentinels that mark
// the primary down after one second, and waits until the Sentinels know the
// replica and each other (so that a failover can be agreed).
func StartSentinelSet(t testing.TB) *SentinelSet {
	t.Helper()
	RequireProgram(t, "redis-server", "redis-sentinel")
	s := &SentinelSet{t: t, Name: "ecabinet"}
	s.Primary = StartRedis(t)
	s.Replica = StartRedis(t, "--replicaof", "127.0.0.1", strconv.Itoa(s.Primary.Port))
	for range 3 {
		port, dir := FreePort(t), t.TempDir()
		conf := filepath.Join(dir, "sentinel.conf")
		text := fmt.Sprintf("port %d\nbind 127.0.0.1\nprotected-mode no\ndir %s\n"+
			"sentinel monitor %s 127.0.0.1 %d 2\nsentinel down-after-milliseconds %[3]s 1000\n"+
			"sentinel failover-timeout %[3]s 5000\nsentinel parallel-syncs %[3]s 1\n", port, dir, s.Name, s.Primary.Port)
		if err := os.WriteFile(conf, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		sen := &RedisServer{t: t, Port: port, dir: dir}
		sen.Proc = StartProc(t, nil, "redis-sentinel", conf)
		waitListening(t, sen.Addr(), sen.Proc)
		s.Sentinels = append(s.Sentinels, sen)
	}
	s.waitFor(30*time.Second, "the Sentinels to know the replica and each other", func(m map[string]string) bool {
		return m["num-slaves"] == "1" && m["num-other-sentinels"] == "2"
	})
	return s
}

// URL is REDIS_URL for e-Cabinet: the three Sentinels and the master name.
func (s *SentinelSet) URL() string {
	addrs := make([]string, len(s.Sentinels))
	for i, sen := range s.Sentinels {
		addrs[i] = sen.Addr()
	}
	return "redis+sentinel://" + strings.Join(addrs, ",") + "/" + s.Name
}

// MasterAddr is the primary's address as every Sentinel reports it, or ""
// while they disagree.
func (s *SentinelSet) MasterAddr() string {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	addr := ""
	for _, sen := range s.Sentinels {
		c := redis.NewSentinelClient(&redis.Options{Addr: sen.Addr()})
		got, err := c.GetMasterAddrByName(ctx, s.Name).Result()
		_ = c.Close()
		if err != nil || len(got) != 2 || (addr != "" && addr != got[0]+":"+got[1]) {
			return ""
		}
		addr = got[0] + ":" + got[1]
	}
	return addr
}

// WaitMaster waits until every Sentinel reports addr as the primary.
func (s *SentinelSet) WaitMaster(addr string, within time.Duration) {
	s.t.Helper()
	deadline := time.Now().Add(within)
	for s.MasterAddr() != addr {
		if time.Now().After(deadline) {
			s.t.Fatalf("the Sentinels do not report %s as the primary within %v (they say %q)", addr, within, s.MasterAddr())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// waitFor waits until ok holds for what every Sentinel says of the master.
func (s *SentinelSet) waitFor(within time.Duration, what string, ok func(map[string]string) bool) {
	s.t.Helper()
	ctx := context.Background()
	deadline := time.Now().Add(within)
	for {
		all := true
		for _, sen := range s.Sentinels {
			c := redis.NewSentinelClient(&redis.Options{Addr: sen.Addr()})
			m, err := c.Master(ctx, s.Name).Result()
			_ = c.Close()
			all = all && err == nil && ok(m)
		}
		if all {
			return
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("waited %v for %s", within, what)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// Cluster is a Redis Cluster of three primaries (no replicas) on loopback.
type Cluster struct {
	Nodes []*RedisServer
}

// StartCluster runs three cluster nodes, assigns the slots with
// redis-cli --cluster create and waits until every node says the cluster
// is ok.
func StartCluster(t testing.TB) *Cluster {
	t.Helper()
	RequireProgram(t, "redis-server", "redis-cli")
	c := &Cluster{}
	for range 3 {
		// The cluster bus listens on a port of its own (cluster-port).
		n := StartRedis(t, "--cluster-enabled", "yes", "--cluster-port", strconv.Itoa(FreePort(t)),
			"--cluster-config-file", "nodes.conf", "--cluster-node-timeout", "2000")
		c.Nodes = append(c.Nodes, n)
	}
	args := append(append([]string{"--cluster", "create"}, c.Addrs()...), "--cluster-replicas", "0", "--cluster-yes")
	if out, err := exec.Command("redis-cli", args...).CombinedOutput(); err != nil {
		t.Fatalf("redis-cli --cluster create: %v\n%s", err, out)
	}
	ctx := context.Background()
	deadline := time.Now().Add(30 * time.Second)
	for _, n := range c.Nodes {
		cl := n.Client()
		for {
			info, err := cl.ClusterInfo(ctx).Result()
			if err == nil && strings.Contains(info, "cluster_state:ok") {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("cluster not ok within 30 s: %v %s", err, info)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	return c
}

// URL is REDIS_URL for e-Cabinet: every node as a seed.
func (c *Cluster) URL() string { return "redis+cluster://" + strings.Join(c.Addrs(), ",") }

// Addrs lists the nodes' addresses.
func (c *Cluster) Addrs() []string {
	out := make([]string, len(c.Nodes))
	for i, n := range c.Nodes {
		out[i] = n.Addr()
	}
	return out
}
