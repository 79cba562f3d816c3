package storage

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
	"github.com/minio/minio-go/v7"
)

// fake is an in-memory S3 server (gofakes3) and how to reach it.
type fake struct {
	cfg       S3Config
	transport http.RoundTripper
}

// fakeS3 starts an in-memory S3 server holding the buckets named, over TLS (as in production)
// or plain HTTP (tls=false, as in docker-compose).
func fakeS3(t *testing.T, tls bool, buckets ...string) fake {
	t.Helper()
	backend := s3mem.New()
	for _, b := range buckets {
		if err := backend.CreateBucket(b); err != nil {
			t.Fatal(err)
		}
	}
	h := gofakes3.New(backend).Server()
	srv := httptest.NewUnstartedServer(h)
	if tls {
		srv.StartTLS()
	} else {
		srv.Start()
	}
	t.Cleanup(srv.Close)
	u, _ := url.Parse(srv.URL)
	return fake{
		cfg:       S3Config{Endpoint: u.Host, Bucket: "holdspace-files", Region: "us-east-1", AccessKey: "test-access", SecretKey: "test-secret", TLS: tls},
		transport: srv.Client().Transport,
	}
}

func (f fake) open(ctx context.Context) (*S3, error) { return newS3(ctx, f.cfg, f.transport) }

// storeCase is a store under test, with a way to look at where a key's bytes are kept.
type storeCase struct {
	name  string
	store Store
	// stored reports whether key's bytes are kept where the store keeps them, read directly.
	stored func(t *testing.T, key string) bool
	// chunkedParts: gofakes3 keeps the chunk signatures that minio-go adds over plain HTTP to
	// the parts of an upload of unknown size (a real S3 or MinIO removes them).
	chunkedParts bool
}

func stores(t *testing.T) []storeCase {
	root := filepath.Join(t.TempDir(), "files")
	list := []storeCase{{name: "Local", store: NewLocal(root), stored: func(t *testing.T, key string) bool {
		_, err := os.Stat(filepath.Join(root, filepath.FromSlash(key)))
		return err == nil
	}}}
	for _, tls := range []bool{true, false} {
		f := fakeS3(t, tls, "holdspace-files")
		s3, err := f.open(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		name := "S3"
		if !tls {
			name = "S3PlainHTTP"
		}
		list = append(list, storeCase{name: name, store: s3, chunkedParts: !tls, stored: func(t *testing.T, key string) bool {
			_, err := s3.client.StatObject(context.Background(), f.cfg.Bucket, key, minio.StatObjectOptions{})
			return err == nil
		}})
	}
	return list
}

// TestStores runs the same behaviour against the local folder and an S3 bucket.
func TestStores(t *testing.T) {
	ctx := context.Background()
	for _, sc := range stores(t) {
		s := sc.store
		t.Run(sc.name, func(t *testing.T) {
			t.Run("PutGetDelete", func(t *testing.T) {
				key := "tenant-a/consultants/p1/d1"
				if err := s.Put(ctx, key, strings.NewReader("hello"), 5, "text/plain"); err != nil {
					t.Fatal(err)
				}
				if !sc.stored(t, key) {
					t.Fatal("the bytes are not where the store keeps them")
				}
				rc, err := s.Get(ctx, key)
				if err != nil {
					t.Fatal(err)
				}
				b, _ := io.ReadAll(rc)
				rc.Close()
				if string(b) != "hello" {
					t.Fatalf("got %q", b)
				}
				if err := s.Delete(ctx, key); err != nil {
					t.Fatal(err)
				}
				if _, err := s.Get(ctx, key); !errors.Is(err, ErrNotFound) {
					t.Fatalf("after delete: %v", err)
				}
				if err := s.Delete(ctx, key); err != nil {
					t.Fatalf("deleting twice: %v", err)
				}
			})

			t.Run("Replace", func(t *testing.T) {
				key := "tenant-a/replace"
				for _, body := range []string{"first version", "second"} {
					if err := s.Put(ctx, key, strings.NewReader(body), int64(len(body)), ""); err != nil {
						t.Fatal(err)
					}
				}
				rc, err := s.Get(ctx, key)
				if err != nil {
					t.Fatal(err)
				}
				defer rc.Close()
				if b, _ := io.ReadAll(rc); string(b) != "second" {
					t.Fatalf("got %q, want the second version", b)
				}
			})

			t.Run("UnknownSizeStreams", func(t *testing.T) {
				if sc.chunkedParts {
					t.Skip("gofakes3 keeps the chunk signatures of a multipart part sent over plain HTTP")
				}
				key := "tenant-a/unknown-size"
				body := strings.Repeat("0123456789", 10_000)
				if err := s.Put(ctx, key, io.MultiReader(strings.NewReader(body)), -1, "application/pdf"); err != nil {
					t.Fatal(err)
				}
				rc, err := s.Get(ctx, key)
				if err != nil {
					t.Fatal(err)
				}
				defer rc.Close()
				if b, _ := io.ReadAll(rc); string(b) != body {
					t.Fatalf("got %d bytes, want %d", len(b), len(body))
				}
			})

			t.Run("GetMissing", func(t *testing.T) {
				if _, err := s.Get(ctx, "tenant-a/never-stored"); !errors.Is(err, ErrNotFound) {
					t.Fatalf("got %v, want ErrNotFound", err)
				}
			})

			t.Run("ShortBodyKeepsNothing", func(t *testing.T) {
				key := "tenant-a/short"
				if err := s.Put(ctx, key, strings.NewReader("abc"), 10, ""); err == nil {
					t.Fatal("a short body was stored")
				}
				if _, err := s.Get(ctx, key); !errors.Is(err, ErrNotFound) {
					t.Fatalf("a short body left a file: %v", err)
				}
			})

			t.Run("LongBodyKeepsNothing", func(t *testing.T) {
				key := "tenant-a/long"
				if err := s.Put(ctx, key, strings.NewReader("abcdefghijkl"), 4, ""); err == nil {
					t.Fatal("a body longer than its size was stored")
				}
				if _, err := s.Get(ctx, key); !errors.Is(err, ErrNotFound) {
					t.Fatalf("a long body left a file: %v", err)
				}
			})

			t.Run("BadKeysRefused", func(t *testing.T) {
				for _, key := range []string{"", "../escaped", "tenant-a/../../escaped", "/etc/passwd", "a//b", "a/./b", `a\..\b`, "a/.."} {
					if err := s.Put(ctx, key, strings.NewReader("x"), 1, ""); err == nil {
						t.Errorf("Put(%q) accepted", key)
					}
					if _, err := s.Get(ctx, key); err == nil || errors.Is(err, ErrNotFound) {
						t.Errorf("Get(%q) = %v, want a bad-key error", key, err)
					}
					if err := s.Delete(ctx, key); err == nil {
						t.Errorf("Delete(%q) accepted", key)
					}
				}
				if sc.stored(t, "escaped") {
					t.Fatal("a file was written outside its prefix")
				}
			})
		})
	}
}

func TestLocalStaysInItsFolder(t *testing.T) {
	root := t.TempDir()
	s := NewLocal(filepath.Join(root, "files"))
	for _, key := range []string{"../escaped", "tenant-a/../../escaped"} {
		_ = s.Put(context.Background(), key, strings.NewReader("x"), 1, "")
	}
	if _, err := os.Stat(filepath.Join(root, "escaped")); err == nil {
		t.Fatal("a file was written outside the folder")
	}
}

func TestS3Bucket(t *testing.T) {
	ctx := context.Background()
	t.Run("MissingIsAnError", func(t *testing.T) {
		f := fakeS3(t, true) // no bucket
		_, err := f.open(ctx)
		if err == nil || !strings.Contains(err.Error(), `bucket "holdspace-files"`) || !strings.Contains(err.Error(), "does not exist") {
			t.Fatalf("got %v, want an error saying the bucket does not exist", err)
		}
		if strings.Contains(err.Error(), f.cfg.SecretKey) {
			t.Fatalf("the error shows the secret: %v", err)
		}
	})
	t.Run("CreateMakesIt", func(t *testing.T) {
		f := fakeS3(t, false)
		f.cfg.Create = true
		s, err := f.open(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if ok, err := s.client.BucketExists(ctx, f.cfg.Bucket); err != nil || !ok {
			t.Fatalf("bucket made: %v %v", ok, err)
		}
		if _, err := f.open(ctx); err != nil { // a second start finds it
			t.Fatalf("second start: %v", err)
		}
	})
	t.Run("OpenPicksTheStore", func(t *testing.T) {
		local, err := Open(ctx, nil, t.TempDir())
		if _, ok := local.(*Local); err != nil || !ok {
			t.Fatalf("no STORAGE_URL: %T %v, want *Local", local, err)
		}
		f := fakeS3(t, false, "holdspace-files")
		s3, err := Open(ctx, &f.cfg, t.TempDir())
		if _, ok := s3.(*S3); err != nil || !ok {
			t.Fatalf("an s3:// STORAGE_URL: %T %v, want *S3", s3, err)
		}
	})
	t.Run("UnreachableNamesTheBucketNotTheSecret", func(t *testing.T) {
		srv := httptest.NewServer(nil)
		addr := srv.Listener.Addr().String()
		srv.Close() // nothing listens there now
		cfg := S3Config{Endpoint: addr, Bucket: "holdspace-files", AccessKey: "k", SecretKey: "very-secret-value"}
		ctx, cancel := context.WithTimeout(ctx, 5e9)
		defer cancel()
		_, err := NewS3(ctx, cfg)
		if err == nil || !strings.Contains(err.Error(), "cannot reach") || strings.Contains(err.Error(), "very-secret-value") {
			t.Fatalf("got %v", err)
		}
	})
}

func TestParseURL(t *testing.T) {
	noEnv := func(string) string { return "" }
	t.Run("Empty", func(t *testing.T) {
		c, err := ParseURL("", noEnv)
		if c != nil || err != nil {
			t.Fatalf("got %v %v, want nil (the local folder)", c, err)
		}
	})
	t.Run("Full", func(t *testing.T) {
		c, err := ParseURL("s3://AKIA:se%2Fcr+et@minio:9000/holdspace-files?region=eu-west-1&tls=false&create=1", noEnv)
		if err != nil {
			t.Fatal(err)
		}
		want := S3Config{Endpoint: "minio:9000", Bucket: "holdspace-files", Region: "eu-west-1", AccessKey: "AKIA", SecretKey: "se/cr+et", Create: true}
		if *c != want {
			t.Fatalf("got %#v\nwant %#v", *c, want) // GoString: no secret either way
		}
	})
	t.Run("DefaultsAndEnvironmentKeys", func(t *testing.T) {
		env := map[string]string{"AWS_ACCESS_KEY_ID": "env-access", "AWS_SECRET_ACCESS_KEY": "env-secret"}
		c, err := ParseURL("s3://s3.us-east-2.amazonaws.com/holdspace", func(k string) string { return env[k] })
		if err != nil {
			t.Fatal(err)
		}
		if !c.TLS || c.Create || c.Region != "" || c.AccessKey != "env-access" || c.SecretKey != "env-secret" {
			t.Fatalf("got TLS %v create %v region %q keys %q", c.TLS, c.Create, c.Region, c.AccessKey)
		}
	})
	t.Run("SecretNeverPrinted", func(t *testing.T) {
		c, err := ParseURL("s3://AKIA:hunter2-secret@minio:9000/holdspace-files", noEnv)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range []string{c.String(), c.GoString(), c.LogValue().String()} {
			if strings.Contains(s, "hunter2") || !strings.Contains(s, "holdspace-files") {
				t.Errorf("%q: want the bucket and no secret", s)
			}
		}
	})
	for _, tc := range []struct{ name, url, want string }{
		{"Scheme", "https://minio:9000/bucket", "s3://"},
		{"NoHost", "s3:///bucket", "host"},
		{"NoBucket", "s3://k:s@minio:9000", "bucket"},
		{"TwoLevels", "s3://k:s@minio:9000/bucket/folder", "one bucket"},
		{"BadBucket", "s3://k:s@minio:9000/Bad_Bucket", "not a valid bucket name"},
		{"BadPort", "s3://k:s@minio:99999/bucket", "port"},
		{"BadTLS", "s3://k:s@minio/bucket?tls=maybe", "tls"},
		{"BadCreate", "s3://k:s@minio/bucket?create=yes", "create"},
		{"UnknownOption", "s3://k:s@minio/bucket?regoin=us-east-1", `"regoin"`},
		{"OnlyAccessKey", "s3://k@minio/bucket", "both keys"},
		{"NoKeys", "s3://minio/bucket", "AWS_ACCESS_KEY_ID"},
		{"Unparsable", "s3://k:sec/ret@minio:9000/bucket", "%2F"},
	} {
		t.Run("Err"+tc.name, func(t *testing.T) {
			c, err := ParseURL(tc.url, noEnv)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, %v; want an error mentioning %q", c, err, tc.want)
			}
			if strings.Contains(err.Error(), "sec/ret") || strings.Contains(err.Error(), ":s@") {
				t.Fatalf("the error shows the secret: %v", err)
			}
		})
	}
}
