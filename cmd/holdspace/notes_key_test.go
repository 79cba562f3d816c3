package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// TestServeNeedsNotesKey: outside the embedded default, serve and worker refuse to start
// without NOTES_KEY, and a malformed one is named.
func TestServeNeedsNotesKey(t *testing.T) {
	env := map[string]string{"DATABASE_URL": filepath.Join(t.TempDir(), "hs.db"), "REDIS_URL": "redis://127.0.0.1:1/0",
		"BASE_URL": "http://localhost:8080", "SECRET_KEY": strings.Repeat("s", 32)}
	for _, cmd := range []string{"serve", "worker"} {
		var out bytes.Buffer
		err := run(context.Background(), []string{"holdspace", cmd}, envOf(env), &out)
		if err == nil || !strings.Contains(err.Error(), "NOTES_KEY") || strings.Contains(err.Error(), "\n") {
			t.Fatalf("%s without NOTES_KEY: %v", cmd, err)
		}
	}
	env["NOTES_KEY"] = "too-short"
	err := run(context.Background(), []string{"holdspace", "serve"}, envOf(env), &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "NOTES_KEY") {
		t.Fatalf("serve with a malformed NOTES_KEY: %v", err)
	}
}
