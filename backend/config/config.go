// Package config reads the server's configuration from the environment,
// once, into a typed struct. Every variable has a default and a one-line
// description; Describe lists them (the README's table is made from it).
package config

import (
	"encoding/base64"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// Config is the whole configuration of one server process.
type Config struct {
	Addr        string
	DatabaseURL string
	DataDir     string
	RedisURL    string
	// Redis is REDIS_URL read; nil when it is empty.
	Redis            *Redis
	RedisPrefix      string
	DemoPassword     string
	Demo             bool
	AllowedOrigins   []string
	SessionIdle      time.Duration
	SessionLifetime  time.Duration
	LoginMaxFailures int
	LoginWindow      time.Duration
	UploadLimit      int64
	CacheDir         string
	HashConcurrency  int
	TrustedProxies   []string
	ShutdownDelay    time.Duration
	ShutdownTimeout  time.Duration
	LogLevel         string
	InstanceID       string
	DBMaxConns       int
	// DBPoolMode is how PostgreSQL is reached: DBPoolSession (directly, or
	// through a session pool) or DBPoolTransaction (a transaction pool).
	DBPoolMode string
	// Migrate: apply pending migrations at start; otherwise require them applied.
	Migrate     bool
	WSQueue     int
	SMTPURL     string
	SMTPFrom    string
	BallotBatch bool
	MFAKey      []byte
	// SigningKey seals signers' private keys at rest (nil: see
	// ECABINET_SIGNING_KEY).
	SigningKey []byte
	PprofAddr  string
	// PublicURL is the app's address as people open it ("" when not set).
	PublicURL string
	// PasswordLinkLifetime is how long a one-time password link is valid.
	PasswordLinkLifetime time.Duration
	MetricsAddr          string
}

// Var describes one environment variable.
type Var struct {
	Name        string
	Default     string
	Description string
	set         func(c *Config, v string) error
}

// Vars lists every variable the server reads, in README order.
var Vars = []Var{
	{"ECABINET_ADDR", "127.0.0.1:8080", "Listen address (host:port).", func(c *Config, v string) error {
		if _, _, err := net.SplitHostPort(v); err != nil {
			return fmt.Errorf("want host:port")
		}
		c.Addr = v
		return nil
	}},
	{"DATABASE_URL", "", "PostgreSQL URL (postgres://…); empty uses the embedded SQLite file in ECABINET_DATA_DIR.", func(c *Config, v string) error {
		if v != "" && !strings.HasPrefix(v, "postgres://") && !strings.HasPrefix(v, "postgresql://") {
			return fmt.Errorf("want a postgres:// URL or nothing")
		}
		if v != "" {
			if _, err := url.Parse(v); err != nil {
				return fmt.Errorf("not a URL")
			}
		}
		c.DatabaseURL = v
		return nil
	}},
	{"ECABINET_DATA_DIR", "./data", "Directory of the embedded SQLite database.", func(c *Config, v string) error {
		c.DataDir = v
		return nonEmpty(v)
	}},
	{"REDIS_URL", "", "Redis shared by all instances: one server (redis://host:6379/0), Sentinels and a master name (redis+sentinel://host1:26379,host2:26379,host3:26379/mymaster) or Cluster nodes (redis+cluster://host1:6379,host2:6379); rediss… with TLS; empty uses an in-process bus (one instance only).", func(c *Config, v string) error {
		c.RedisURL, c.Redis = v, nil
		if v == "" {
			return nil
		}
		r, err := ParseRedisURL(v)
		if err != nil {
			return err
		}
		c.Redis = r
		return nil
	}},
	{"ECABINET_REDIS_PREFIX", "ecabinet", "Prefix of every Redis key and channel (lets deployments share a Redis).", func(c *Config, v string) error {
		c.RedisPrefix = v
		return nonEmpty(v)
	}},
	{"ECABINET_DEMO", "auto", "Seed the demo body: true, false, or auto (only on the embedded SQLite default).", func(c *Config, v string) error {
		switch v {
		case "auto":
			c.Demo = c.DatabaseURL == ""
		case "true", "false":
			c.Demo = v == "true"
		default:
			return fmt.Errorf("want true, false or auto")
		}
		return nil
	}},
	{"ECABINET_DEMO_PASSWORD", "ecabinet-demo", "Password of every demo account.", func(c *Config, v string) error {
		if len(v) < 10 {
			return fmt.Errorf("want at least 10 characters")
		}
		c.DemoPassword = v
		return nil
	}},
	{"ECABINET_ALLOWED_ORIGINS", "", "Comma-separated origins (scheme://host[:port]) allowed besides the server's own, for browser writes and WebSockets.", func(c *Config, v string) error {
		c.AllowedOrigins = nil
		for _, o := range splitList(v) {
			u, err := url.Parse(o)
			if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Path != "" {
				return fmt.Errorf("%q is not an origin like https://cabinet.example.gov", o)
			}
			c.AllowedOrigins = append(c.AllowedOrigins, o)
		}
		return nil
	}},
	{"ECABINET_SESSION_IDLE", "30m", "A sign-in unused this long ends.", duration(func(c *Config) *time.Duration { return &c.SessionIdle })},
	{"ECABINET_SESSION_LIFETIME", "12h", "A sign-in ends this long after login, used or not.", duration(func(c *Config) *time.Duration { return &c.SessionLifetime })},
	{"ECABINET_LOGIN_MAX_FAILURES", "5", "Failed logins per username within the window before further attempts for it get 429; past 20× that from one client address, attempts from it are checked one at a time and their failures answered after 2 s (a right password still signs in).", func(c *Config, v string) error {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			return fmt.Errorf("want an integer from 1 to 1000")
		}
		c.LoginMaxFailures = n
		return nil
	}},
	{"ECABINET_LOGIN_WINDOW", "15m", "Window of the login failure count.", duration(func(c *Config) *time.Duration { return &c.LoginWindow })},
	{"ECABINET_UPLOAD_LIMIT", "100MiB", "Largest document upload (bytes, or with KiB/MiB/GiB).", func(c *Config, v string) error {
		n, err := parseSize(v)
		if err != nil || n < 1024 {
			return fmt.Errorf("want a size such as 100MiB")
		}
		c.UploadLimit = n
		return nil
	}},
	{"ECABINET_CACHE_DIR", "", "Directory of this instance's disposable files: stamped document copies and uploads being received; default: cache in ECABINET_DATA_DIR.", func(c *Config, v string) error {
		if v == "" {
			v = filepath.Join(c.DataDir, "cache")
		}
		c.CacheDir = v
		return nil
	}},
	{"ECABINET_HASH_CONCURRENCY", "", "Password hashes computed at once (each takes 19 MiB); default: the number of CPUs.", func(c *Config, v string) error {
		if v == "" {
			c.HashConcurrency = runtime.NumCPU()
			return nil
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 256 {
			return fmt.Errorf("want an integer from 1 to 256")
		}
		c.HashConcurrency = n
		return nil
	}},
	{"ECABINET_TRUSTED_PROXIES", "", "Comma-separated proxy addresses or CIDRs whose X-Forwarded-For and X-Forwarded-Proto are believed.", func(c *Config, v string) error {
		c.TrustedProxies = nil
		for _, p := range splitList(v) {
			if net.ParseIP(p) == nil {
				if _, _, err := net.ParseCIDR(p); err != nil {
					return fmt.Errorf("%q is neither an IP address nor a CIDR", p)
				}
			}
			c.TrustedProxies = append(c.TrustedProxies, p)
		}
		return nil
	}},
	{"ECABINET_SHUTDOWN_DELAY", "0s", "On SIGTERM, time between readiness turning 503 and closing the listener (let load balancers notice).", duration(func(c *Config) *time.Duration { return &c.ShutdownDelay })},
	{"ECABINET_SHUTDOWN_TIMEOUT", "20s", "On SIGTERM, how long in-flight requests may take to finish.", duration(func(c *Config) *time.Duration { return &c.ShutdownTimeout })},
	{"ECABINET_LOG_LEVEL", "info", "debug, info, warn or error.", func(c *Config, v string) error {
		switch v {
		case "debug", "info", "warn", "error":
			c.LogLevel = v
			return nil
		}
		return fmt.Errorf("want debug, info, warn or error")
	}},
	{"ECABINET_INSTANCE_ID", "", "Name of this instance in logs and metrics; default: host name and process id.", func(c *Config, v string) error {
		if v == "" {
			h, _ := os.Hostname()
			v = fmt.Sprintf("%s-%d", h, os.Getpid())
		}
		c.InstanceID = v
		return nil
	}},
	{"ECABINET_WS_QUEUE", "256", "Frames queued per WebSocket connection; a client further behind is told to reconnect and resume.", func(c *Config, v string) error {
		n, err := strconv.Atoi(v)
		if err != nil || n < 4 || n > 100000 {
			return fmt.Errorf("want an integer from 4 to 100000")
		}
		c.WSQueue = n
		return nil
	}},
	{"ECABINET_SMTP_URL", "", "SMTP server for notification e-mail (smtp://user:pass@host:587 or smtps://…); empty sends none.", func(c *Config, v string) error {
		if v != "" && !strings.HasPrefix(v, "smtp://") && !strings.HasPrefix(v, "smtps://") {
			return fmt.Errorf("want an smtp:// or smtps:// URL")
		}
		c.SMTPURL = v
		return nil
	}},
	{"ECABINET_SMTP_FROM", "e-cabinet@localhost", "Sender address of notification e-mail.", func(c *Config, v string) error {
		if !strings.Contains(v, "@") || strings.ContainsAny(v, "\r\n") {
			return fmt.Errorf("want an e-mail address")
		}
		c.SMTPFrom = v
		return nil
	}},
	{"ECABINET_BALLOT_BATCH", "true", "Write ballot answers that arrive together in one transaction (false: one transaction each).", func(c *Config, v string) error {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return fmt.Errorf("want true or false")
		}
		c.BallotBatch = b
		return nil
	}},
	{"ECABINET_MFA_KEY", "", "32 random bytes in base64 (openssl rand -base64 32), the same on every instance, that encrypt second-factor secrets at rest; empty stores them unencrypted.", func(c *Config, v string) error {
		c.MFAKey = nil
		if v == "" {
			return nil
		}
		key, err := base64.StdEncoding.DecodeString(v)
		if err != nil || len(key) != 32 {
			return fmt.Errorf("want 32 bytes in base64")
		}
		c.MFAKey = key
		return nil
	}},
	{"ECABINET_SIGNING_KEY", "", "32 random bytes in base64, the same on every instance, that encrypt signers' private keys (digital signatures) at rest; empty uses ECABINET_MFA_KEY, or without it and with the embedded SQLite a key file signing.key made in ECABINET_DATA_DIR; with PostgreSQL and neither key, certificates cannot be imported.", func(c *Config, v string) error {
		c.SigningKey = nil
		if v == "" {
			return nil
		}
		key, err := base64.StdEncoding.DecodeString(v)
		if err != nil || len(key) != 32 {
			return fmt.Errorf("want 32 bytes in base64")
		}
		c.SigningKey = key
		return nil
	}},
	{"ECABINET_DB_MAX_CONNS", "20", "Largest PostgreSQL connection pool of one instance.", func(c *Config, v string) error {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			return fmt.Errorf("want an integer from 1 to 1000")
		}
		c.DBMaxConns = n
		return nil
	}},
	{"ECABINET_DB_POOL_MODE", DBPoolSession, "How PostgreSQL is reached: session (directly, or through a session pool) or transaction (PgBouncer's transaction pooling: no prepared statement or session state is kept across transactions; needs ECABINET_MIGRATE=false).", func(c *Config, v string) error {
		if v != DBPoolSession && v != DBPoolTransaction {
			return fmt.Errorf("want session or transaction")
		}
		c.DBPoolMode = v
		return nil
	}},
	{"ECABINET_MIGRATE", "true", "Apply pending database migrations at start, under an advisory lock; false: refuse to start on a schema older than this release, and leave the migrations to ecabinet migrate.", func(c *Config, v string) error {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return fmt.Errorf("want true or false")
		}
		c.Migrate = b
		return nil
	}},
	{"ECABINET_PUBLIC_URL", "", "Address at which people open the app (https://cabinet.example.gov.vn), for one-time password links; empty: the address of the admin's request (links made by ecabinet body create then give their path only).", func(c *Config, v string) error {
		c.PublicURL = strings.TrimRight(v, "/")
		if v == "" {
			return nil
		}
		u, err := url.Parse(v)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
			return fmt.Errorf("want an address such as https://cabinet.example.gov.vn")
		}
		return nil
	}},
	{"ECABINET_PASSWORD_LINK_LIFETIME", "24h", "How long a one-time link that sets a member's password stays valid (10m to 720h).", func(c *Config, v string) error {
		d, err := time.ParseDuration(v)
		if err != nil || d < 10*time.Minute || d > 30*24*time.Hour {
			return fmt.Errorf("want a duration from 10m to 720h")
		}
		c.PasswordLinkLifetime = d
		return nil
	}},
	{"ECABINET_METRICS_ADDR", "127.0.0.1:9464", "Address (host:port) of the Prometheus listener (/metrics), apart from the API; off serves none. Its counters describe the traffic (routes, sockets, filtered events): open it to the monitoring network only.", func(c *Config, v string) error {
		if v == "off" {
			c.MetricsAddr = ""
			return nil
		}
		if _, _, err := net.SplitHostPort(v); err != nil {
			return fmt.Errorf("want host:port or off")
		}
		c.MetricsAddr = v
		return nil
	}},
	{"ECABINET_PPROF_ADDR", "", "Loopback address (127.0.0.1:port) of an opt-in Go profiling listener (/debug/pprof/); empty serves none.", func(c *Config, v string) error {
		if v == "" {
			return nil
		}
		host, _, err := net.SplitHostPort(v)
		if err != nil {
			return fmt.Errorf("want host:port")
		}
		if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
			return fmt.Errorf("want a loopback address: profiles expose the process's internals")
		}
		c.PprofAddr = v
		return nil
	}},
}

// Load reads the configuration with getenv (os.Getenv in production). The
// error names the first invalid variable.
func Load(getenv func(string) string) (*Config, error) {
	c := &Config{}
	for _, v := range Vars {
		val, ok := lookup(getenv, v.Name)
		if !ok {
			val = v.Default
		}
		if err := v.set(c, val); err != nil {
			if secret[v.Name] {
				return nil, fmt.Errorf("config: %s: %v", v.Name, err)
			}
			return nil, fmt.Errorf("config: %s=%q: %v", v.Name, val, err)
		}
	}
	if c.SessionIdle <= 0 || c.SessionIdle > c.SessionLifetime {
		return nil, fmt.Errorf("config: ECABINET_SESSION_IDLE must be positive and at most ECABINET_SESSION_LIFETIME")
	}
	if c.DBPoolMode == DBPoolTransaction && (c.DatabaseURL == "" || c.Migrate) {
		return nil, fmt.Errorf("config: ECABINET_DB_POOL_MODE=transaction needs a DATABASE_URL and ECABINET_MIGRATE=false: " +
			"migrations hold a session-level advisory lock, so run ecabinet migrate against PostgreSQL itself")
	}
	return c, nil
}

// How the server reaches PostgreSQL (ECABINET_DB_POOL_MODE).
const (
	DBPoolSession     = "session"
	DBPoolTransaction = "transaction"
)

// secret names the variables whose values may hold passwords or keys: an
// error about them does not repeat the value into the logs.
var secret = map[string]bool{"DATABASE_URL": true, "REDIS_URL": true, "ECABINET_DEMO_PASSWORD": true,
	"ECABINET_SMTP_URL": true, "ECABINET_MFA_KEY": true, "ECABINET_SIGNING_KEY": true}

func lookup(getenv func(string) string, name string) (string, bool) {
	v := strings.TrimSpace(getenv(name))
	return v, v != ""
}

func nonEmpty(v string) error {
	if v == "" {
		return fmt.Errorf("must not be empty")
	}
	return nil
}

func duration(field func(*Config) *time.Duration) func(*Config, string) error {
	return func(c *Config, v string) error {
		d, err := time.ParseDuration(v)
		if err != nil || d < 0 {
			return fmt.Errorf("want a duration such as 30m or 12h")
		}
		*field(c) = d
		return nil
	}
}

func splitList(v string) []string {
	var out []string
	for _, p := range strings.Split(v, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func parseSize(v string) (int64, error) {
	mult := int64(1)
	for _, u := range []struct {
		suffix string
		mult   int64
	}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}} {
		if strings.HasSuffix(v, u.suffix) {
			v, mult = strings.TrimSuffix(v, u.suffix), u.mult
			break
		}
	}
	n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	if err != nil || n < 0 || n > (1<<40)/mult {
		return 0, fmt.Errorf("bad size")
	}
	return n * mult, nil
}
