package config_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/holdspace/holdspace/app/config"
	"github.com/holdspace/holdspace/app/sealed"
)

func TestNotesKey(t *testing.T) {
	t.Run("Production", func(t *testing.T) {
		env := production()
		c, err := config.Load(getenv(env), false)
		if err != nil {
			t.Fatal(err)
		}
		var ce *config.Error
		if err := c.RequireNotesKey(); !errors.As(err, &ce) || ce.Var != "NOTES_KEY" {
			t.Fatalf("RequireNotesKey without NOTES_KEY = %v, want an error naming it", err)
		}
		key := sealed.NewKey()
		env["NOTES_KEY"] = sealed.EncodeKey(key)
		if c, err = config.Load(getenv(env), false); err != nil || c.RequireNotesKey() != nil {
			t.Fatalf("with NOTES_KEY: %v", err)
		}
		if len(c.NotesKeys) != 1 || string(c.NotesKeys[0]) != string(key) {
			t.Fatal("NOTES_KEY was not read")
		}
	})
	t.Run("Malformed", func(t *testing.T) {
		for _, v := range []string{"not base64 at all!", sealed.EncodeKey([]byte("sixteen bytes..."))} {
			env := production()
			env["NOTES_KEY"] = v
			_, err := config.Load(getenv(env), false)
			var ce *config.Error
			if !errors.As(err, &ce) || ce.Var != "NOTES_KEY" || strings.Contains(err.Error(), "\n") {
				t.Fatalf("NOTES_KEY=%q: got %v, want one line naming NOTES_KEY", v, err)
			}
		}
	})
	t.Run("EmbeddedKeepsOne", func(t *testing.T) {
		dir := t.TempDir()
		env := map[string]string{"DATA_DIR": dir}
		c, err := config.Load(getenv(env), true)
		if err != nil || c.RequireNotesKey() != nil {
			t.Fatalf("embedded: %v", err)
		}
		st, err := os.Stat(filepath.Join(dir, "notes.key"))
		if err != nil || st.Mode().Perm() != 0o600 {
			t.Fatalf("DATA_DIR/notes.key: %v (mode %v), want a 0600 file", err, st)
		}
		again, err := config.Load(getenv(env), true)
		if err != nil || string(again.NotesKeys[0]) != string(c.NotesKeys[0]) {
			t.Fatalf("second start got another key (%v)", err)
		}
	})
}

// The embedded default's key files are readable by their owner only: made 0600 in a folder
// made 0700, and tightened on start when found looser.
func TestKeyFileModes(t *testing.T) {
	mode := func(t *testing.T, path string) os.FileMode {
		t.Helper()
		st, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		return st.Mode().Perm()
	}
	t.Run("Created", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "data")
		c, err := config.Load(getenv(map[string]string{"DATA_DIR": dir}), true)
		if err != nil {
			t.Fatal(err)
		}
		if m := mode(t, dir); m != 0o700 {
			t.Errorf("DATA_DIR was made with mode %04o, want 0700", m)
		}
		for _, f := range []string{"secret.key", "notes.key"} {
			if m := mode(t, filepath.Join(dir, f)); m != 0o600 {
				t.Errorf("%s was made with mode %04o, want 0600", f, m)
			}
		}
		if len(c.Warnings) != 0 {
			t.Errorf("a fresh start warns: %q", c.Warnings)
		}
	})
	t.Run("LooserTightened", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "data")
		if _, err := config.Load(getenv(map[string]string{"DATA_DIR": dir}), true); err != nil {
			t.Fatal(err)
		}
		for _, f := range []string{"secret.key", "notes.key"} {
			if err := os.Chmod(filepath.Join(dir, f), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		if err := os.Chmod(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		c, err := config.Load(getenv(map[string]string{"DATA_DIR": dir}), true)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range []string{"secret.key", "notes.key"} {
			if m := mode(t, filepath.Join(dir, f)); m != 0o600 {
				t.Errorf("%s is still mode %04o after a start, want 0600", f, m)
			}
		}
		warned := strings.Join(c.Warnings, "\n")
		for _, want := range []string{"secret.key had mode 0644", "notes.key had mode 0644", "tightened to 0600",
			"DATA_DIR " + dir + " has mode 0755", "chmod 700"} {
			if !strings.Contains(warned, want) {
				t.Errorf("the start's warnings do not say %q:\n%s", want, warned)
			}
		}
	})
}
