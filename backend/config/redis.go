package config

import (
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
)

// Kinds of Redis deployment REDIS_URL can name.
const (
	// RedisSingle is one server: redis://[user:password@]host:port[/db]
	// (rediss:// with TLS), read by go-redis's ParseURL.
	RedisSingle = "single"
	// RedisSentinel is a primary watched by Sentinels, followed through
	// failovers: redis+sentinel://[user:password@]host:port,host:port,…/master[/db]
	// with the Sentinels' addresses and the master name they know;
	// ?sentinel_username=&sentinel_password= when the Sentinels require a
	// password of their own (rediss+sentinel:// with TLS).
	RedisSentinel = "sentinel"
	// RedisCluster is a Redis Cluster: redis+cluster://[user:password@]host:port,host:port,…
	// with some of its nodes as seeds (rediss+cluster:// with TLS).
	RedisCluster = "cluster"
)

// Redis is REDIS_URL read: which kind of deployment, and where.
type Redis struct {
	Kind string
	// URL is REDIS_URL as given (RedisSingle reads it whole).
	URL string
	// Addrs are the Sentinels (RedisSentinel) or the seed nodes (RedisCluster).
	Addrs              []string
	MasterName         string
	DB                 int
	Username, Password string
	// SentinelUsername and SentinelPassword authenticate to the Sentinels.
	SentinelUsername, SentinelPassword string
	TLS                                bool
}

// ParseRedisURL reads a REDIS_URL. The error does not repeat the URL (it
// may hold a password).
func ParseRedisURL(v string) (*Redis, error) {
	scheme, rest, ok := strings.Cut(v, "://")
	if !ok {
		return nil, fmt.Errorf("want redis://, redis+sentinel:// or redis+cluster:// (rediss… with TLS)")
	}
	r := &Redis{URL: v}
	switch scheme {
	case "redis", "rediss":
		r.Kind, r.TLS = RedisSingle, scheme == "rediss"
		if _, err := url.Parse(v); err != nil {
			return nil, fmt.Errorf("not a URL")
		}
		return r, nil
	case "redis+sentinel", "rediss+sentinel":
		r.Kind, r.TLS = RedisSentinel, scheme == "rediss+sentinel"
	case "redis+cluster", "rediss+cluster":
		r.Kind, r.TLS = RedisCluster, scheme == "rediss+cluster"
	default:
		return nil, fmt.Errorf("unknown scheme %q: want redis://, redis+sentinel:// or redis+cluster:// (rediss… with TLS)", scheme)
	}
	rest, rawQuery, _ := strings.Cut(rest, "?")
	hosts, path, _ := strings.Cut(rest, "/")
	if at := strings.LastIndex(hosts, "@"); at >= 0 {
		user, pass, _ := strings.Cut(hosts[:at], ":")
		var err1, err2 error
		r.Username, err1 = url.PathUnescape(user)
		r.Password, err2 = url.PathUnescape(pass)
		if err1 != nil || err2 != nil {
			return nil, fmt.Errorf("the user or password is not URL-encoded")
		}
		hosts = hosts[at+1:]
	}
	for _, h := range strings.Split(hosts, ",") {
		host, port, err := net.SplitHostPort(strings.TrimSpace(h))
		if err != nil || host == "" {
			return nil, fmt.Errorf("want a comma-separated list of host:port")
		}
		if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
			return nil, fmt.Errorf("want a comma-separated list of host:port")
		}
		r.Addrs = append(r.Addrs, net.JoinHostPort(host, port))
	}
	parts := strings.Split(strings.Trim(path, "/"), "/")
	switch {
	case r.Kind == RedisCluster && path != "":
		return nil, fmt.Errorf("a cluster URL has no path (a cluster has only database 0)")
	case r.Kind == RedisSentinel && (parts[0] == "" || len(parts) > 2):
		return nil, fmt.Errorf("want the master name after the Sentinels: redis+sentinel://host:port,…/mymaster[/db]")
	case r.Kind == RedisSentinel:
		r.MasterName = parts[0]
		if len(parts) == 2 {
			db, err := strconv.Atoi(parts[1])
			if err != nil || db < 0 {
				return nil, fmt.Errorf("the database after the master name must be a number")
			}
			r.DB = db
		}
	}
	q, err := url.ParseQuery(rawQuery)
	if err != nil {
		return nil, fmt.Errorf("the query is not URL-encoded")
	}
	for k, vs := range q {
		switch {
		case k == "sentinel_username" && r.Kind == RedisSentinel:
			r.SentinelUsername = vs[len(vs)-1]
		case k == "sentinel_password" && r.Kind == RedisSentinel:
			r.SentinelPassword = vs[len(vs)-1]
		default:
			return nil, fmt.Errorf("unknown parameter %q", k)
		}
	}
	return r, nil
}
