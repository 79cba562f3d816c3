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
