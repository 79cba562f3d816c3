package config_test

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/holdspace/holdspace/app/config"
)

// production is a complete environment for the production mode.
func production() map[string]string {
	return map[string]string{
		"DATABASE_URL": "postgres://holdspace@db.internal:5432/holdspace?sslmode=require",
		"REDIS_URL":    "redis://redis.internal:6379/0",
		"BASE_URL":     "https://holdspace.example.gov/",
		"SECRET_KEY":   strings.Repeat("s", 32),
		"SMTP_URL":     "smtp://user:pass@mail.example.gov:587",
		"PORT":         "9090",
		"LOG_FORMAT":   "json",
		"LOG_LEVEL":    "warn",
	}
}

func getenv(env map[string]string) func(string) string {
	return func(k string) string { return env[k] }
}

func TestLoadProduction(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		c, err := config.Load(getenv(production()), false)
		if err != nil {
			t.Fatal(err)
		}
		if c.Port != 9090 {
			t.Errorf("got port %d, want 9090", c.Port)
		}
		if c.BaseURL != "https://holdspace.example.gov" {
			t.Errorf("got base URL %q, want it without the trailing slash", c.BaseURL)
		}
		if !c.IsPostgres() || !c.SecureCookies() {
			t.Errorf("got IsPostgres %v SecureCookies %v, want both true", c.IsPostgres(), c.SecureCookies())
		}
		if string(c.SecretKey) != strings.Repeat("s", 32) {
			t.Errorf("got secret key %q, want SECRET_KEY", c.SecretKey)
		}
		if c.LogFormat != "json" || c.LogLevel != "warn" || c.Embedded {
			t.Errorf("got log %s/%s embedded %v, want json/warn false", c.LogFormat, c.LogLevel, c.Embedded)
		}
	})

	for _, tc := range []struct {
		name, variable, value string
	}{
		{"ErrDatabaseURLRequired", "DATABASE_URL", ""},
		{"ErrDatabaseURLScheme", "DATABASE_URL", "mysql://x"},
		{"ErrRedisURLRequired", "REDIS_URL", ""},
		{"ErrRedisURLScheme", "REDIS_URL", "http://x"},
		{"ErrBaseURLRequired", "BASE_URL", ""},
		{"ErrBaseURLScheme", "BASE_URL", "ftp://x"},
		{"ErrSecretKeyRequired", "SECRET_KEY", ""},
		{"ErrSecretKeyTooShort", "SECRET_KEY", strings.Repeat("s", 31)},
		{"ErrSMTPURLScheme", "SMTP_URL", "http://x"},
		{"ErrPortNotNumber", "PORT", "abc"},
		{"ErrPortTooHigh", "PORT", "70000"},
		{"ErrPortZero", "PORT", "0"},
		{"ErrLogFormat", "LOG_FORMAT", "xml"},
		{"ErrLogLevel", "LOG_LEVEL", "loud"},
		{"ErrStorageURLScheme", "STORAGE_URL", "https://minio:9000/holdspace-files"},
		{"ErrStorageURLNoBucket", "STORAGE_URL", "s3://key:secret@minio:9000"},
		{"ErrStorageURLNoKeys", "STORAGE_URL", "s3://minio:9000/holdspace-files"},
		{"ErrStorageURLOption", "STORAGE_URL", "s3://key:secret@minio:9000/holdspace-files?tls=perhaps"},
		{"ErrTrustedProxiesNotAnAddress", "TRUSTED_PROXIES", "10.0.0.1, proxy.internal"},
		{"ErrTrustedProxiesBadRange", "TRUSTED_PROXIES", "10.0.0.0/33"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wantConfigError(t, tc.variable, tc.value, tc.variable)
		})
	}
}

func TestLoadEmbedded(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"DATA_DIR": dir}

	c, err := config.Load(getenv(env), true)
	if err != nil {
		t.Fatal(err)
	}
	t.Run("Defaults", func(t *testing.T) {
		if want := filepath.Join(dir, "holdspace.db"); c.DatabaseURL != want {
			t.Errorf("got database %q, want %q", c.DatabaseURL, want)
		}
		if c.IsPostgres() {
			t.Error("got IsPostgres true for the SQLite default, want false")
		}
		if c.RedisURL != "" {
			t.Errorf("got REDIS_URL %q, want empty (the embedded server)", c.RedisURL)
		}
		if c.Port != 8080 || c.BaseURL != "http://localhost:8080" {
			t.Errorf("got port %d base URL %q, want 8080 and http://localhost:8080", c.Port, c.BaseURL)
		}
		if c.SecureCookies() {
			t.Error("got Secure cookies on http://localhost, want none")
		}
		if c.LogFormat != "text" || c.LogLevel != "warn" || !c.Embedded {
			t.Errorf("got log %s/%s embedded %v, want text/warn true", c.LogFormat, c.LogLevel, c.Embedded)
		}
	})
	t.Run("SecretKeyGenerated", func(t *testing.T) {
		if len(c.SecretKey) < 32 {
			t.Fatalf("got a %d-byte secret key, want at least 32", len(c.SecretKey))
		}
		b, err := os.ReadFile(filepath.Join(dir, "secret.key"))
		if err != nil {
			t.Fatalf("got %v reading DATA_DIR/secret.key, want the generated key kept there", err)
		}
		if strings.TrimSpace(string(b)) != string(c.SecretKey) {
			t.Errorf("got file %q, want the key in use %q", b, c.SecretKey)
		}
	})
	t.Run("SecretKeyReused", func(t *testing.T) {
		again, err := config.Load(getenv(env), true)
		if err != nil {
			t.Fatal(err)
		}
		if string(again.SecretKey) != string(c.SecretKey) {
			t.Errorf("got a new key %q on the second start, want the kept one %q", again.SecretKey, c.SecretKey)
		}
	})
	t.Run("SecretKeyPerDataDir", func(t *testing.T) {
		other, err := config.Load(getenv(map[string]string{"DATA_DIR": t.TempDir()}), true)
		if err != nil {
			t.Fatal(err)
		}
		if string(other.SecretKey) == string(c.SecretKey) {
			t.Error("got the same key in another data folder, want a random one")
		}
	})
	t.Run("ErrStillChecksVariables", func(t *testing.T) {
		_, err := config.Load(getenv(map[string]string{"DATA_DIR": dir, "REDIS_URL": "http://x"}), true)
		var ce *config.Error
		if !errors.As(err, &ce) || ce.Var != "REDIS_URL" {
			t.Errorf("got %v, want a *config.Error naming REDIS_URL", err)
		}
	})
}

func TestLoadStorageURL(t *testing.T) {
	t.Run("EmptyIsTheLocalFolder", func(t *testing.T) {
		c, err := config.Load(getenv(production()), false)
		if err != nil || c.Storage != nil {
			t.Fatalf("got %v, %v; want no bucket (DATA_DIR/files)", c.Storage, err)
		}
	})
	t.Run("Bucket", func(t *testing.T) {
		env := production()
		env["STORAGE_URL"] = "s3://minio:9000/holdspace-files?tls=false&create=1"
		env["AWS_ACCESS_KEY_ID"], env["AWS_SECRET_ACCESS_KEY"] = "access", "the-secret"
		c, err := config.Load(getenv(env), false)
		if err != nil {
			t.Fatal(err)
		}
		s := c.Storage
		if s == nil || s.Endpoint != "minio:9000" || s.Bucket != "holdspace-files" || s.TLS || !s.Create ||
			s.AccessKey != "access" || s.SecretKey != "the-secret" {
			t.Fatalf("got %#v", s)
		}
	})
	t.Run("ErrorHidesTheSecret", func(t *testing.T) {
		env := production()
		for _, u := range []string{
			"s3://access:hunter2@minio:9000/Not_A_Bucket",
			"s3://access:hun/ter2@minio:9000/holdspace-files",
			"s3://access:hunter2@minio:9000/holdspace-files?tls=sometimes",
		} {
			env["STORAGE_URL"] = u
			_, err := config.Load(getenv(env), false)
			var ce *config.Error
			if !errors.As(err, &ce) || ce.Var != "STORAGE_URL" {
				t.Fatalf("%s: got %v, want a *config.Error naming STORAGE_URL", u, err)
			}
			// "ter2" is in every form of the secret (whole, or after the / that breaks the URL).
			if strings.Contains(err.Error(), "ter2") || strings.Contains(err.Error(), "\n") {
				t.Errorf("%s: got %q, want one line without the secret", u, err)
			}
		}
	})
}

// TRUSTED_PROXIES is empty by default (X-Forwarded-For is never believed) and lists addresses
// and ranges, written the way the web server compares them.
func TestTrustedProxies(t *testing.T) {
	c, err := config.Load(getenv(production()), false)
	if err != nil || len(c.TrustedProxies) != 0 {
		t.Fatalf("by default got %q (%v), want none", c.TrustedProxies, err)
	}
	env := production()
	env["TRUSTED_PROXIES"] = " 10.0.0.0/8, 192.168.1.7 ,, ::ffff:172.16.0.1, 2001:db8::/32, 10.1.2.3/16"
	if c, err = config.Load(getenv(env), false); err != nil {
		t.Fatal(err)
	}
	want := []string{"10.0.0.0/8", "192.168.1.7", "172.16.0.1", "2001:db8::/32", "10.1.0.0/16"}
	if strings.Join(c.TrustedProxies, " ") != strings.Join(want, " ") {
		t.Fatalf("got %q, want %q", c.TrustedProxies, want)
	}
}

// TestLoadMetrics: METRICS_TOKEN and METRICS_ADDR are optional, and a bad one stops the program
// naming it.
func TestLoadMetrics(t *testing.T) {
	t.Run("Unset", func(t *testing.T) {
		c, err := config.Load(getenv(production()), false)
		if err != nil {
			t.Fatal(err)
		}
		if c.MetricsToken != "" || c.MetricsAddr != "" {
			t.Errorf("got token %q addr %q, want both empty", c.MetricsToken, c.MetricsAddr)
		}
	})
	t.Run("OK", func(t *testing.T) {
		env := production()
		env["METRICS_TOKEN"] = strings.Repeat("m", 32)
		env["METRICS_ADDR"] = "127.0.0.1:9091"
		c, err := config.Load(getenv(env), false)
		if err != nil {
			t.Fatal(err)
		}
		if c.MetricsToken != strings.Repeat("m", 32) || c.MetricsAddr != "127.0.0.1:9091" {
			t.Errorf("got token %q addr %q", c.MetricsToken, c.MetricsAddr)
		}
		if c.Pprof {
			t.Error("the profiler is on without PPROF")
		}
		env["PPROF"] = "true"
		if c, err = config.Load(getenv(env), false); err != nil || !c.Pprof {
			t.Errorf("PPROF=true with METRICS_ADDR: got %v, %v", c, err)
		}
	})
	for _, tc := range []struct {
		name, variable, value, want string
	}{
		{"ErrTokenTooShort", "METRICS_TOKEN", "short", "at least 32 characters"},
		{"ErrTokenSpace", "METRICS_TOKEN", strings.Repeat("m", 32) + " x", "spaces"},
		{"ErrAddrNoPort", "METRICS_ADDR", "127.0.0.1", "HOST:PORT"},
		{"ErrAddrPortZero", "METRICS_ADDR", "127.0.0.1:0", "HOST:PORT"},
		{"ErrAddrPortWord", "METRICS_ADDR", "localhost:metrics", "HOST:PORT"},
		{"ErrAddrWebPort", "METRICS_ADDR", "127.0.0.1:9090", "PORT 9090"}, // production() has PORT 9090
		{"ErrPprofWithoutAddr", "PPROF", "true", "needs METRICS_ADDR"},
		{"ErrPprofWord", "PPROF", "yes", "true or false"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wantConfigError(t, tc.variable, tc.value, tc.want)
		})
	}
}

// TestWorkerConcurrency: the worker runs as many tasks at once as there are CPUs (at least
// two) unless WORKER_CONCURRENCY says otherwise; a bad value stops the program naming it.
func TestWorkerConcurrency(t *testing.T) {
	c, err := config.Load(getenv(production()), false)
	if err != nil {
		t.Fatal(err)
	}
	if want := max(2, runtime.GOMAXPROCS(0)); c.WorkerConcurrency != want {
		t.Errorf("default WorkerConcurrency %d, want %d", c.WorkerConcurrency, want)
	}
	env := production()
	env["WORKER_CONCURRENCY"] = "6"
	if c, err = config.Load(getenv(env), false); err != nil || c.WorkerConcurrency != 6 {
		t.Errorf("WORKER_CONCURRENCY=6: %v, %v", c, err)
	}
	wantConfigError(t, "WORKER_CONCURRENCY", "0", "WORKER_CONCURRENCY")
	wantConfigError(t, "WORKER_CONCURRENCY", "many", "WORKER_CONCURRENCY")
}

// wantConfigError: production's settings with variable set to value stop the program with a
// *config.Error that names variable and says want.
func wantConfigError(t *testing.T, variable, value, want string) {
	t.Helper()
	env := production()
	env[variable] = value
	c, err := config.Load(getenv(env), false)
	var ce *config.Error
	if !errors.As(err, &ce) {
		t.Fatalf("got config %v, error %v; want a *config.Error", c, err)
	}
	if ce.Var != variable || !strings.Contains(err.Error(), want) {
		t.Errorf("got %q (Var %s), want it to name %s and say %q", err, ce.Var, variable, want)
	}
}
