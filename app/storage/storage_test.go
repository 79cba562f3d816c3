package storage

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLocal(t *testing.T) {
	ctx := context.Background()
	root := t.TempDir()
	s := NewLocal(filepath.Join(root, "files"))

	t.Run("PutGetDelete", func(t *testing.T) {
		key := "tenant-a/consultants/p1/d1"
		if err := s.Put(ctx, key, strings.NewReader("hello"), 5, "text/plain"); err != nil {
			t.Fatal(err)
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
		if _, err := os.Stat(filepath.Join(root, "files", "tenant-a", "consultants", "p1", "d1")); err != nil {
			t.Fatalf("not under the folder: %v", err)
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

	t.Run("ShortWriteKeepsNothing", func(t *testing.T) {
		key := "tenant-a/short"
		if err := s.Put(ctx, key, strings.NewReader("abc"), 10, ""); err == nil {
			t.Fatal("a short body was stored")
		}
		if _, err := s.Get(ctx, key); !errors.Is(err, ErrNotFound) {
			t.Fatalf("a short body left a file: %v", err)
		}
	})

	t.Run("BadKeysRefused", func(t *testing.T) {
		outside := filepath.Join(root, "escaped")
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
		if _, err := os.Stat(outside); err == nil {
			t.Fatal("a file was written outside the folder")
		}
	})
}
