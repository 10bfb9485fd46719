// Package config reads the server's configuration from the environment,
// once, into a typed struct. Each field of Config names its variable, its
// default and a one-line description in its tags; github.com/caarlos0/env
// reads them, the parsers and checks below refuse what the server cannot
// use, and Vars lists them (the README's table is made from it).
package config

import (
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/caarlos0/env/v11"
)

// Config is the whole configuration of one server process, its fields in
// README order. Tags: env names the variable (fields without one are
// derived from the others), envDefault its default, help its description;
// range bounds a number or duration ("low,high"); secret marks a value
// that may hold a password or key, which an error does not repeat into
// the logs.
type Config struct {
	Addr        string `env:"ECABINET_ADDR" envDefault:"127.0.0.1:8080" help:"Listen address (host:port)."`
	DatabaseURL string `env:"DATABASE_URL" secret:"true" help:"PostgreSQL URL (postgres://…); empty uses the embedded SQLite file in ECABINET_DATA_DIR."`
	DataDir     string `env:"ECABINET_DATA_DIR" envDefault:"./data" help:"Directory of the embedded SQLite database."`
	RedisURL    string `env:"REDIS_URL" secret:"true" help:"Redis shared by all instances: one server (redis://host:6379/0), Sentinels and a master name (redis+sentinel://host1:26379,host2:26379,host3:26379/mymaster) or Cluster nodes (redis+cluster://host1:6379,host2:6379); rediss… with TLS; empty uses an in-process bus (one instance only)."`
	// Redis is REDIS_URL read; nil when it is empty.
	Redis       *Redis `env:"-"`
	RedisPrefix string `env:"ECABINET_REDIS_PREFIX" envDefault:"ecabinet" help:"Prefix of every Redis key and channel (lets deployments share a Redis)."`
	// DemoMode is ECABINET_DEMO as given; Demo is what it means here.
	DemoMode         string        `env:"ECABINET_DEMO" envDefault:"auto" help:"Seed the demo body: true, false, or auto (only on the embedded SQLite default)."`
	Demo             bool          `env:"-"`
	DemoPassword     string        `env:"ECABINET_DEMO_PASSWORD" envDefault:"ecabinet-demo" secret:"true" help:"Password of every demo account."`
	AllowedOrigins   []string      `env:"ECABINET_ALLOWED_ORIGINS" help:"Comma-separated origins (scheme://host[:port]) allowed besides the server's own, for browser writes and WebSockets."`
	SessionIdle      time.Duration `env:"ECABINET_SESSION_IDLE" envDefault:"30m" help:"A sign-in unused this long ends."`
	SessionLifetime  time.Duration `env:"ECABINET_SESSION_LIFETIME" envDefault:"12h" help:"A sign-in ends this long after login, used or not."`
	LoginMaxFailures int           `env:"ECABINET_LOGIN_MAX_FAILURES" envDefault:"5" range:"1,1000" help:"Failed logins per username within the window before further attempts for it get 429; past 20× that from one client address, attempts from it are checked one at a time and their failures answered after 2 s (a right password still signs in)."`
	LoginWindow      time.Duration `env:"ECABINET_LOGIN_WINDOW" envDefault:"15m" help:"Window of the login failure count."`
	UploadLimit      Size          `env:"ECABINET_UPLOAD_LIMIT" envDefault:"100MiB" help:"Largest document upload (bytes, or with KiB/MiB/GiB)."`
	// CacheDir defaults to "cache" in DataDir.
	CacheDir string `env:"ECABINET_CACHE_DIR" help:"Directory of this instance's disposable files: stamped document copies and uploads being received; default: cache in ECABINET_DATA_DIR."`
	// HashConcurrency defaults to the number of CPUs.
	HashConcurrency int           `env:"ECABINET_HASH_CONCURRENCY" range:"1,256" help:"Password hashes computed at once (each takes 19 MiB); default: the number of CPUs."`
	TrustedProxies  []string      `env:"ECABINET_TRUSTED_PROXIES" help:"Comma-separated proxy addresses or CIDRs whose X-Forwarded-For and X-Forwarded-Proto are believed."`
	ShutdownDelay   time.Duration `env:"ECABINET_SHUTDOWN_DELAY" envDefault:"0s" help:"On SIGTERM, time between readiness turning 503 and closing the listener (let load balancers notice)."`
	ShutdownTimeout time.Duration `env:"ECABINET_SHUTDOWN_TIMEOUT" envDefault:"20s" help:"On SIGTERM, how long in-flight requests may take to finish."`
	LogLevel        string        `env:"ECABINET_LOG_LEVEL" envDefault:"info" help:"debug, info, warn or error."`
	// InstanceID defaults to the host name and the process id.
	InstanceID  string `env:"ECABINET_INSTANCE_ID" help:"Name of this instance in logs and metrics; default: host name and process id."`
	WSQueue     int    `env:"ECABINET_WS_QUEUE" envDefault:"256" range:"4,100000" help:"Frames queued per WebSocket connection; a client further behind is told to reconnect and resume."`
	SMTPURL     string `env:"ECABINET_SMTP_URL" secret:"true" help:"SMTP server for notification e-mail (smtp://user:pass@host:587 or smtps://…); empty sends none."`
	SMTPFrom    string `env:"ECABINET_SMTP_FROM" envDefault:"e-cabinet@localhost" help:"Sender address of notification e-mail."`
	BallotBatch bool   `env:"ECABINET_BALLOT_BATCH" envDefault:"true" help:"Write ballot answers that arrive together in one transaction (false: one transaction each)."`
	MFAKey      Key    `env:"ECABINET_MFA_KEY" secret:"true" help:"32 random bytes in base64 (openssl rand -base64 32), the same on every instance, that encrypt second-factor secrets at rest; empty stores them unencrypted."`
	SigningKey  Key    `env:"ECABINET_SIGNING_KEY" secret:"true" help:"32 random bytes in base64, the same on every instance, that encrypt signers' private keys (digital signatures) at rest; empty uses ECABINET_MFA_KEY, or without it and with the embedded SQLite a key file signing.key made in ECABINET_DATA_DIR; with PostgreSQL and neither key, certificates cannot be imported."`
	DBMaxConns  int    `env:"ECABINET_DB_MAX_CONNS" envDefault:"20" range:"1,1000" help:"Largest PostgreSQL connection pool of one instance."`
	// DBPoolMode is how PostgreSQL is reached: DBPoolSession (directly, or
	// through a session pool) or DBPoolTransaction (a transaction pool).
	DBPoolMode string `env:"ECABINET_DB_POOL_MODE" envDefault:"session" help:"How PostgreSQL is reached: session (directly, or through a session pool) or transaction (PgBouncer's transaction pooling: no prepared statement or session state is kept across transactions; needs ECABINET_MIGRATE=false)."`
	// Migrate: apply pending migrations at start; otherwise require them applied.
	Migrate bool `env:"ECABINET_MIGRATE" envDefault:"true" help:"Apply pending database migrations at start, under an advisory lock; false: refuse to start on a schema older than this release, and leave the migrations to ecabinet migrate."`
	// PublicURL is the app's address as people open it ("" when not set).
	PublicURL string `env:"ECABINET_PUBLIC_URL" help:"Address at which people open the app (https://cabinet.example.gov.vn), for one-time password links; empty: the address of the admin's request (links made by ecabinet body create then give their path only)."`
	// PasswordLinkLifetime is how long a one-time password link is valid.
	PasswordLinkLifetime time.Duration `env:"ECABINET_PASSWORD_LINK_LIFETIME" envDefault:"24h" range:"10m,720h" help:"How long a one-time link that sets a member's password stays valid (10m to 720h)."`
	// MetricsAddr is "" when ECABINET_METRICS_ADDR is off.
	MetricsAddr string `env:"ECABINET_METRICS_ADDR" envDefault:"127.0.0.1:9464" help:"Address (host:port) of the Prometheus listener (/metrics), apart from the API; off serves none. Its counters describe the traffic (routes, sockets, filtered events): open it to the monitoring network only."`
	PprofAddr   string `env:"ECABINET_PPROF_ADDR" help:"Loopback address (127.0.0.1:port) of an opt-in Go profiling listener (/debug/pprof/); empty serves none."`
}

// Size is a number of bytes, written as bytes or with KiB, MiB or GiB.
type Size int64

// Key is a secret key of 32 bytes, written in base64.
type Key []byte

// How the server reaches PostgreSQL (ECABINET_DB_POOL_MODE).
const (
	DBPoolSession     = "session"
	DBPoolTransaction = "transaction"
)

// Var describes one environment variable.
type Var struct {
	Name        string
	Default     string
	Description string
	field       int    // index in Config
	bounds      string // "low,high", or ""
	low, high   int64  // bounds read: an int, or a time.Duration
	secret      bool
}

// Vars lists every variable the server reads, in README order.
var Vars = vars()

func vars() []Var {
	var out []Var
	t := reflect.TypeFor[Config]()
	for i := range t.NumField() {
		f := t.Field(i)
		name := f.Tag.Get("env")
		if name == "-" {
			continue
		}
		v := Var{Name: name, Default: f.Tag.Get("envDefault"), Description: f.Tag.Get("help"),
			field: i, bounds: f.Tag.Get("range"), secret: f.Tag.Get("secret") == "true"}
		if v.bounds != "" {
			low, high, _ := strings.Cut(v.bounds, ",")
			v.low, v.high = bound(f.Type, low), bound(f.Type, high)
		}
		out = append(out, v)
	}
	return out
}

// bound reads a bound of a range tag of Config. A tag it cannot read is a
// mistake in this file, stopping the program as it starts (as
// regexp.MustCompile would), so that no test of the package passes.
func bound(t reflect.Type, s string) int64 {
	var n int64
	var err error
	switch t {
	case reflect.TypeFor[int]():
		n, err = strconv.ParseInt(s, 10, 64)
	case reflect.TypeFor[time.Duration]():
		var d time.Duration
		d, err = time.ParseDuration(s)
		n = int64(d)
	default:
		err = fmt.Errorf("a range of a %s", t)
	}
	if err != nil {
		panic(fmt.Sprintf("config: range tag %q: %v", s, err))
	}
	return n
}

// parsers turn a variable's text into its field's type; their errors say
// what is wanted without repeating the value.
var parsers = map[reflect.Type]env.ParserFunc{
	reflect.TypeFor[int](): func(v string) (any, error) {
		n, err := strconv.Atoi(v)
		if err != nil {
			return nil, errors.New("want an integer")
		}
		return n, nil
	},
	reflect.TypeFor[bool](): func(v string) (any, error) {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return nil, errors.New("want true or false")
		}
		return b, nil
	},
	reflect.TypeFor[time.Duration](): func(v string) (any, error) {
		d, err := time.ParseDuration(v)
		if err != nil || d < 0 {
			return nil, errors.New("want a duration such as 30m or 12h")
		}
		return d, nil
	},
	reflect.TypeFor[Size](): func(v string) (any, error) {
		n, err := parseSize(v)
		if err != nil || n < 1024 {
			return nil, errors.New("want a size such as 100MiB")
		}
		return Size(n), nil
	},
	reflect.TypeFor[Key](): func(v string) (any, error) {
		key, err := base64.StdEncoding.DecodeString(v)
		if err != nil || len(key) != 32 {
			return nil, errors.New("want 32 bytes in base64")
		}
		return Key(key), nil
	},
	reflect.TypeFor[[]string](): func(v string) (any, error) { return splitList(v), nil },
}

// Load reads the configuration with getenv (os.Getenv in production). A
// variable set to blanks counts as unset. The error names the first
// invalid variable.
func Load(getenv func(string) string) (*Config, error) {
	given := map[string]string{}
	for _, v := range Vars {
		if val := strings.TrimSpace(getenv(v.Name)); val != "" {
			given[v.Name] = val
		}
	}
	host, _ := os.Hostname()
	c := &Config{HashConcurrency: runtime.NumCPU(), InstanceID: fmt.Sprintf("%s-%d", host, os.Getpid())}
	refused := map[string]error{} // by field name
	if err := env.ParseWithOptions(c, env.Options{Environment: given, FuncMap: parsers}); err != nil {
		var all env.AggregateError
		if !errors.As(err, &all) {
			return nil, fmt.Errorf("config: %w", err)
		}
		for _, e := range all.Errors {
			var pe env.ParseError
			if !errors.As(e, &pe) {
				return nil, fmt.Errorf("config: %w", e)
			}
			refused[pe.Name] = pe.Err
		}
	}
	for _, v := range Vars {
		val, ok := given[v.Name]
		if !ok {
			continue // the default
		}
		err, failed := refused[reflect.TypeFor[Config]().Field(v.field).Name]
		switch {
		case failed && v.bounds != "":
			err = v.outOfBounds()
		case !failed:
			err = v.within(c)
			if err == nil {
				err = c.read(v.Name)
			}
		}
		if err != nil {
			if v.secret {
				return nil, fmt.Errorf("config: %s: %v", v.Name, err)
			}
			return nil, fmt.Errorf("config: %s=%q: %v", v.Name, val, err)
		}
	}
	if c.CacheDir == "" {
		c.CacheDir = filepath.Join(c.DataDir, "cache")
	}
	c.Demo = c.DemoMode == "true" || c.DemoMode == "auto" && c.DatabaseURL == ""
	if c.MetricsAddr == "off" {
		c.MetricsAddr = ""
	}
	c.PublicURL = strings.TrimRight(c.PublicURL, "/")
	if c.SessionIdle <= 0 || c.SessionIdle > c.SessionLifetime {
		return nil, fmt.Errorf("config: ECABINET_SESSION_IDLE must be positive and at most ECABINET_SESSION_LIFETIME")
	}
	if c.DBPoolMode == DBPoolTransaction && (c.DatabaseURL == "" || c.Migrate) {
		return nil, fmt.Errorf("config: ECABINET_DB_POOL_MODE=transaction needs a DATABASE_URL and ECABINET_MIGRATE=false: " +
			"migrations hold a session-level advisory lock, so run ecabinet migrate against PostgreSQL itself")
	}
	return c, nil
}

// within checks a bounded variable's value.
func (v Var) within(c *Config) error {
	if v.bounds == "" {
		return nil
	}
	if x := reflect.ValueOf(c).Elem().Field(v.field).Int(); x < v.low || x > v.high {
		return v.outOfBounds()
	}
	return nil
}

// outOfBounds says what a bounded variable wants.
func (v Var) outOfBounds() error {
	low, high, _ := strings.Cut(v.bounds, ",")
	kind := "an integer"
	if reflect.TypeFor[Config]().Field(v.field).Type == reflect.TypeFor[time.Duration]() {
		kind = "a duration"
	}
	return fmt.Errorf("want %s from %s to %s", kind, low, high)
}

// read checks the value of a variable given in the environment, once
// parsed, and fills what it implies.
func (c *Config) read(name string) error {
	switch name {
	case "ECABINET_ADDR":
		if _, _, err := net.SplitHostPort(c.Addr); err != nil {
			return fmt.Errorf("want host:port")
		}
	case "DATABASE_URL":
		if !strings.HasPrefix(c.DatabaseURL, "postgres://") && !strings.HasPrefix(c.DatabaseURL, "postgresql://") {
			return fmt.Errorf("want a postgres:// URL or nothing")
		}
		if _, err := url.Parse(c.DatabaseURL); err != nil {
			return fmt.Errorf("not a URL")
		}
	case "REDIS_URL":
		r, err := ParseRedisURL(c.RedisURL)
		c.Redis = r
		return err
	case "ECABINET_DEMO":
		if c.DemoMode != "auto" && c.DemoMode != "true" && c.DemoMode != "false" {
			return fmt.Errorf("want true, false or auto")
		}
	case "ECABINET_DEMO_PASSWORD":
		if len(c.DemoPassword) < 10 {
			return fmt.Errorf("want at least 10 characters")
		}
	case "ECABINET_ALLOWED_ORIGINS":
		for _, o := range c.AllowedOrigins {
			u, err := url.Parse(o)
			if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Path != "" {
				return fmt.Errorf("%q is not an origin like https://cabinet.example.gov", o)
			}
		}
	case "ECABINET_TRUSTED_PROXIES":
		for _, p := range c.TrustedProxies {
			if net.ParseIP(p) == nil {
				if _, _, err := net.ParseCIDR(p); err != nil {
					return fmt.Errorf("%q is neither an IP address nor a CIDR", p)
				}
			}
		}
	case "ECABINET_LOG_LEVEL":
		switch c.LogLevel {
		case "debug", "info", "warn", "error":
		default:
			return fmt.Errorf("want debug, info, warn or error")
		}
	case "ECABINET_SMTP_URL":
		if !strings.HasPrefix(c.SMTPURL, "smtp://") && !strings.HasPrefix(c.SMTPURL, "smtps://") {
			return fmt.Errorf("want an smtp:// or smtps:// URL")
		}
	case "ECABINET_SMTP_FROM":
		if !strings.Contains(c.SMTPFrom, "@") || strings.ContainsAny(c.SMTPFrom, "\r\n") {
			return fmt.Errorf("want an e-mail address")
		}
	case "ECABINET_DB_POOL_MODE":
		if c.DBPoolMode != DBPoolSession && c.DBPoolMode != DBPoolTransaction {
			return fmt.Errorf("want session or transaction")
		}
	case "ECABINET_PUBLIC_URL":
		u, err := url.Parse(c.PublicURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
			return fmt.Errorf("want an address such as https://cabinet.example.gov.vn")
		}
	case "ECABINET_METRICS_ADDR":
		if _, _, err := net.SplitHostPort(c.MetricsAddr); err != nil && c.MetricsAddr != "off" {
			return fmt.Errorf("want host:port or off")
		}
	case "ECABINET_PPROF_ADDR":
		host, _, err := net.SplitHostPort(c.PprofAddr)
		if err != nil {
			return fmt.Errorf("want host:port")
		}
		if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
			return fmt.Errorf("want a loopback address: profiles expose the process's internals")
		}
	}
	return nil
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
