// Package config reads Holdspace's settings from the environment. A missing or malformed
// setting is an error that names the variable, never a panic.
package config

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"

	"github.com/holdspace/holdspace/app/sealed"
	"github.com/holdspace/holdspace/app/storage"
)

// Config is everything the processes need.
type Config struct {
	Port        int
	DatabaseURL string // postgres://… or a SQLite file path
	// MigrateURL is the schema owner's address, which migrations run as (MIGRATE_DATABASE_URL,
	// DATABASE_URL when unset). On PostgreSQL the application's role (DATABASE_URL) then owns
	// nothing and is granted row access only, so row-level security holds it.
	MigrateURL  string
	RedisURL    string // redis://…; empty means the embedded in-process server
	RedisPrefix string // prefixes Holdspace's own Redis keys (rate limits), to share a server
	BaseURL     string // the public address, for links in emails
	SecretKey   []byte // signs CSRF tokens; at least 32 bytes
	SMTPURL     string // smtp://user:pass@host:port; empty keeps mail in the outbox
	MailFrom    string
	DataDir     string
	Storage     *storage.S3Config // STORAGE_URL; nil keeps uploaded files in DATA_DIR/files
	LogFormat   string            // json or text
	LogLevel    string
	Embedded    bool // web + worker + scheduler in one process on the embedded default
	// NotesKeys seal session notes at rest (NOTES_KEY: base64 of 32 bytes; more keys after
	// commas only open, while rotating). Empty when unset outside the embedded default:
	// serve and worker refuse to start then (RequireNotesKey).
	NotesKeys [][]byte
	// TrustedProxies are the addresses (IPs or CIDR ranges) of the reverse proxies in front of
	// the web server (TRUSTED_PROXIES, comma-separated; empty by default). Only a request that
	// comes from one of them has its X-Forwarded-For believed as the person's address; every
	// other request's address is the connection's. Sign-in limits and the audit log use it.
	TrustedProxies []string
	// Warnings are problems worth telling at start that do not stop it (a key file whose
	// permissions were tightened, a data folder others may open).
	Warnings []string

	// Metrics (GET /metrics, Prometheus). Neither set: /metrics is not served at all.
	// MetricsToken (METRICS_TOKEN) serves it on the public port to a request carrying
	// "Authorization: Bearer TOKEN"; MetricsAddr (METRICS_ADDR, such as 127.0.0.1:9090) serves it,
	// without a token, on a second listener meant to be reachable only from inside.
	MetricsToken string
	MetricsAddr  string
	// ServerTiming (SERVER_TIMING=true) adds a Server-Timing header to every response: the
	// SQL statements the request ran, their time, the whole request's time in the server, and
	// the time its templates took (draw).
	// Off by default (it tells anyone how much work a page is); the load harness turns it on.
	ServerTiming bool
	// WorkerConcurrency (WORKER_CONCURRENCY) is how many tasks the worker runs at once; by
	// default as many as the CPUs (at least 2). Tasks are CPU and database work: more at once
	// than there are CPUs handles no more Stripe events a second (about 400 on 2 CPUs with 2 or
	// with 10) but delays the web's requests on the same machine (the webhook's p99, 3.6–4.2 ms
	// with 2, 8–10 ms with 10).
	WorkerConcurrency int
	// Pprof (PPROF=true) adds Go's profiler, /debug/pprof/, to the METRICS_ADDR listener (and
	// only there: it needs METRICS_ADDR). For finding where a page's time goes under load.
	Pprof bool

	// Stripe is billing (app/billing): not set up without STRIPE_SECRET_KEY.
	Stripe Stripe
}

// Error is a configuration error naming the variable.
type Error struct {
	Var, Problem string
}

func (e *Error) Error() string { return fmt.Sprintf("config: %s %s", e.Var, e.Problem) }

// AppRole is the PostgreSQL role the application connects as (DATABASE_URL's user), when
// migrations run as another (MIGRATE_DATABASE_URL): the role they grant row access to. Empty
// when both are the same role, or on SQLite.
func (c *Config) AppRole() string {
	if !c.IsPostgres() {
		return ""
	}
	app, err1 := url.Parse(c.DatabaseURL)
	owner, err2 := url.Parse(c.MigrateURL)
	if err1 != nil || err2 != nil || app.User == nil || app.User.Username() == "" {
		return ""
	}
	if owner.User != nil && owner.User.Username() == app.User.Username() {
		return ""
	}
	return app.User.Username()
}

// IsPostgres reports whether DatabaseURL names a PostgreSQL server.
func (c *Config) IsPostgres() bool { return IsPostgresURL(c.DatabaseURL) }

// IsPostgresURL reports whether u is a postgres:// or postgresql:// URL.
func IsPostgresURL(u string) bool {
	return strings.HasPrefix(u, "postgres://") || strings.HasPrefix(u, "postgresql://")
}

// SecureCookies reports whether cookies should carry the Secure flag.
func (c *Config) SecureCookies() bool { return strings.HasPrefix(c.BaseURL, "https://") }

// Load reads the configuration. embedded selects the one-process default: everything has a
// default, and a secret key is generated once and kept in the data folder.
func Load(getenv func(string) string, embedded bool) (*Config, error) {
	c := &Config{Embedded: embedded}
	var err error
	if c.Port, err = intVar(getenv, "PORT", 8080, 1, 65535); err != nil {
		return nil, err
	}
	if c.WorkerConcurrency, err = intVar(getenv, "WORKER_CONCURRENCY", max(2, runtime.GOMAXPROCS(0)), 1, 100); err != nil {
		return nil, err
	}
	c.DataDir = orDefault(getenv("DATA_DIR"), "./data")
	c.DatabaseURL = getenv("DATABASE_URL")
	c.RedisURL = getenv("REDIS_URL")
	c.RedisPrefix = getenv("REDIS_KEY_PREFIX")
	c.BaseURL = strings.TrimRight(getenv("BASE_URL"), "/")
	c.SMTPURL = getenv("SMTP_URL")
	c.MailFrom = orDefault(getenv("MAIL_FROM"), "Holdspace <no-reply@holdspace.local>")
	c.LogFormat = orDefault(getenv("LOG_FORMAT"), "json")
	c.LogLevel = orDefault(getenv("LOG_LEVEL"), "info")
	secret := getenv("SECRET_KEY")
	if c.TrustedProxies, err = trustedProxies(getenv("TRUSTED_PROXIES")); err != nil {
		return nil, err
	}
	if v := getenv("NOTES_KEY"); v != "" {
		if c.NotesKeys, err = sealed.ParseKeys(v); err != nil {
			return nil, &Error{"NOTES_KEY", "is malformed: " + err.Error()}
		}
	}

	if embedded {
		if c.DatabaseURL == "" {
			c.DatabaseURL = filepath.Join(c.DataDir, "holdspace.db")
		}
		if c.BaseURL == "" {
			c.BaseURL = fmt.Sprintf("http://localhost:%d", c.Port)
		}
		if getenv("LOG_FORMAT") == "" {
			c.LogFormat = "text"
		}
		if getenv("LOG_LEVEL") == "" {
			c.LogLevel = "warn" // the console shows the URL and sign-ins; problems still show
		}
		if err := c.dataDirReady(); err != nil {
			return nil, &Error{"DATA_DIR", "could not be created: " + err.Error()}
		}
		if secret == "" {
			if secret, err = c.dataSecret(); err != nil {
				return nil, &Error{"SECRET_KEY", "could not be generated in DATA_DIR: " + err.Error()}
			}
		}
		if c.NotesKeys == nil {
			if c.NotesKeys, err = c.dataNotesKey(); err != nil {
				return nil, &Error{"NOTES_KEY", "could not be read or generated in DATA_DIR (notes.key): " + err.Error()}
			}
		}
	}
	if c.DatabaseURL == "" {
		return nil, &Error{"DATABASE_URL", "is required (a postgres:// URL or a SQLite file path)"}
	}
	c.MigrateURL = orDefault(getenv("MIGRATE_DATABASE_URL"), c.DatabaseURL)
	if IsPostgresURL(c.MigrateURL) != IsPostgresURL(c.DatabaseURL) {
		return nil, &Error{"MIGRATE_DATABASE_URL", "must name the same kind of database as DATABASE_URL"}
	}
	if IsPostgresURL(c.MigrateURL) {
		if _, err := url.Parse(c.MigrateURL); err != nil {
			return nil, &Error{"MIGRATE_DATABASE_URL", "is not a valid URL"}
		}
	}
	if strings.Contains(c.DatabaseURL, "://") && !c.IsPostgres() {
		return nil, &Error{"DATABASE_URL", "must be a postgres:// URL or a SQLite file path"}
	}
	if c.IsPostgres() {
		if _, err := url.Parse(c.DatabaseURL); err != nil {
			return nil, &Error{"DATABASE_URL", "is not a valid URL"}
		}
	}
	if !embedded && c.RedisURL == "" {
		return nil, &Error{"REDIS_URL", "is required (redis://host:6379/0)"}
	}
	if c.RedisURL != "" {
		u, err := url.Parse(c.RedisURL)
		if err != nil || (u.Scheme != "redis" && u.Scheme != "rediss") || u.Host == "" {
			return nil, &Error{"REDIS_URL", "must be a redis:// or rediss:// URL with a host"}
		}
	}
	if c.BaseURL == "" {
		return nil, &Error{"BASE_URL", "is required (the public address, such as https://holdspace.example.gov)"}
	}
	if u, err := url.Parse(c.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, &Error{"BASE_URL", "must be an http:// or https:// URL"}
	}
	if secret == "" {
		return nil, &Error{"SECRET_KEY", "is required (at least 32 characters; for example the output of openssl rand -hex 32)"}
	}
	if len(secret) < 32 {
		return nil, &Error{"SECRET_KEY", "is too short: it needs at least 32 characters"}
	}
	c.SecretKey = []byte(secret)
	if c.SMTPURL != "" {
		u, err := url.Parse(c.SMTPURL)
		if err != nil || (u.Scheme != "smtp" && u.Scheme != "smtps") || u.Hostname() == "" {
			return nil, &Error{"SMTP_URL", "must be an smtp:// or smtps:// URL with a host"}
		}
	}
	if c.Storage, err = storage.ParseURL(getenv("STORAGE_URL"), getenv); err != nil {
		return nil, &Error{"STORAGE_URL", err.Error()}
	}
	if c.LogFormat != "json" && c.LogFormat != "text" {
		return nil, &Error{"LOG_FORMAT", "must be json or text"}
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		return nil, &Error{"LOG_LEVEL", "must be debug, info, warn or error"}
	}
	if err := loadMetrics(getenv, c); err != nil {
		return nil, err
	}
	if err := loadStripe(getenv, c); err != nil {
		return nil, err
	}
	return c, nil
}

// trustedProxies reads TRUSTED_PROXIES: IPs and CIDR ranges, separated by commas.
func trustedProxies(v string) ([]string, error) {
	var out []string
	for _, p := range strings.Split(v, ",") {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		// Written the way the web server compares them (fiber matches addresses as text).
		if pr, err := netip.ParsePrefix(p); err == nil {
			out = append(out, pr.Masked().String())
		} else if a, err := netip.ParseAddr(p); err == nil && a.Zone() == "" {
			out = append(out, a.Unmap().String())
		} else {
			return nil, &Error{"TRUSTED_PROXIES", fmt.Sprintf("must list IP addresses or CIDR ranges separated by commas; %q is neither", p)}
		}
	}
	return out, nil
}

// loadMetrics reads METRICS_TOKEN and METRICS_ADDR.
func loadMetrics(getenv func(string) string, c *Config) error {
	c.MetricsToken = getenv("METRICS_TOKEN")
	switch v := getenv("SERVER_TIMING"); v {
	case "", "false", "0":
	case "true", "1":
		c.ServerTiming = true
	default:
		return &Error{"SERVER_TIMING", "must be true or false"}
	}
	if c.MetricsToken != "" && len(c.MetricsToken) < 32 {
		return &Error{"METRICS_TOKEN", "is too short: it needs at least 32 characters (for example the output of openssl rand -hex 32)"}
	}
	if strings.ContainsAny(c.MetricsToken, " \t\r\n") {
		return &Error{"METRICS_TOKEN", "must not contain spaces or line breaks"}
	}
	c.MetricsAddr = getenv("METRICS_ADDR")
	switch v := getenv("PPROF"); v {
	case "", "false", "0":
	case "true", "1":
		if c.MetricsAddr == "" {
			return &Error{"PPROF", "needs METRICS_ADDR: the profiler is served only on that internal listener"}
		}
		c.Pprof = true
	default:
		return &Error{"PPROF", "must be true or false"}
	}
	if c.MetricsAddr != "" {
		_, port, err := net.SplitHostPort(c.MetricsAddr)
		n, perr := strconv.Atoi(port)
		if err != nil || perr != nil || n < 1 || n > 65535 {
			return &Error{"METRICS_ADDR", fmt.Sprintf("must be HOST:PORT with a port from 1 to 65535, such as 127.0.0.1:9090, not %q", c.MetricsAddr)}
		}
		if n == c.Port { // the web server listens on PORT on every address
			return &Error{"METRICS_ADDR", fmt.Sprintf("uses the web server's PORT %d: give it a port of its own", n)}
		}
	}
	return nil
}

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

func intVar(getenv func(string) string, name string, def, lo, hi int) (int, error) {
	v := getenv(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		return 0, &Error{name, fmt.Sprintf("must be a whole number from %d to %d, not %q", lo, hi, v)}
	}
	return n, nil
}

// Key files of the embedded default (DATA_DIR/secret.key, DATA_DIR/notes.key) are readable by
// their owner only: created 0600 in a folder created 0700, and a file found looser is
// tightened on start, with a warning. A data folder others may open is left as it is (it may
// be a folder the person chose for more than Holdspace), with a warning.
const (
	keyFileMode = 0o600
	dataDirMode = 0o700
)

// dataDirReady makes DATA_DIR (0700) if it does not exist, and warns when others may open it.
func (c *Config) dataDirReady() error {
	st, err := os.Stat(c.DataDir)
	if errors.Is(err, os.ErrNotExist) {
		if err := os.MkdirAll(c.DataDir, dataDirMode); err != nil {
			return err
		}
		return os.Chmod(c.DataDir, dataDirMode) // whatever the umask
	}
	if err != nil {
		return err
	}
	if st.Mode().Perm()&0o077 != 0 {
		c.Warnings = append(c.Warnings, fmt.Sprintf("DATA_DIR %s has mode %04o: other users of this machine may open it; "+
			"it holds the database and the keys (chmod 700 %s)", c.DataDir, st.Mode().Perm(), c.DataDir))
	}
	return nil
}

// keyFile tightens an existing key file to 0600, saying so in Warnings.
func (c *Config) keyFile(path string) error {
	st, err := os.Stat(path)
	if err != nil {
		return err
	}
	if perm := st.Mode().Perm(); perm&0o077 != 0 {
		if err := os.Chmod(path, keyFileMode); err != nil {
			return err
		}
		c.Warnings = append(c.Warnings, fmt.Sprintf("%s had mode %04o (others could read it): tightened to 0600", path, perm))
	}
	return nil
}

// writeKeyFile writes a new key file, 0600 whatever the umask.
func writeKeyFile(path string, b []byte) error {
	if err := os.WriteFile(path, b, keyFileMode); err != nil {
		return err
	}
	return os.Chmod(path, keyFileMode)
}

// dataSecret reads the embedded default's secret key, making it on first start.
func (c *Config) dataSecret() (string, error) {
	path := filepath.Join(c.DataDir, "secret.key")
	b, err := os.ReadFile(path)
	if err == nil && len(strings.TrimSpace(string(b))) >= 32 {
		return strings.TrimSpace(string(b)), c.keyFile(path)
	}
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return "", err
	}
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return "", err
	}
	s := hex.EncodeToString(raw)
	return s, writeKeyFile(path, []byte(s+"\n"))
}

// RequireNotesKey is the check serve and worker make: outside the embedded default, session
// notes are sealed with NOTES_KEY, and nothing starts without it.
func (c *Config) RequireNotesKey() error {
	if len(c.NotesKeys) == 0 {
		return &Error{"NOTES_KEY", "is required (base64 of 32 bytes, to seal session notes; make one with: openssl rand -base64 32)"}
	}
	return nil
}

// dataNotesKey reads the embedded default's notes key, making it on first start (0600).
func (c *Config) dataNotesKey() ([][]byte, error) {
	path := filepath.Join(c.DataDir, "notes.key")
	b, err := os.ReadFile(path)
	if err == nil {
		if err := c.keyFile(path); err != nil {
			return nil, err
		}
		return sealed.ParseKeys(strings.TrimSpace(string(b)))
	}
	if !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	key := sealed.NewKey()
	if err := writeKeyFile(path, []byte(sealed.EncodeKey(key)+"\n")); err != nil {
		return nil, err
	}
	return [][]byte{key}, nil
}
