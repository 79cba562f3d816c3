package server

import (
	"fmt"
	"log/slog"

	"github.com/holdspace/holdspace/app/config"
	"github.com/holdspace/holdspace/app/sealed"
)

// notesKeyring is the keyring sealing session notes, from NOTES_KEY. serve and worker refuse
// to start without it (config.RequireNotesKey) and the embedded default keeps one in
// DATA_DIR/notes.key, so only tests and one-off commands (seed, routes) get here without a
// key: they seal with a key of their own, which nothing else can open.
func notesKeyring(cfg *config.Config, log *slog.Logger) (*sealed.Keyring, error) {
	keys := cfg.NotesKeys
	if len(keys) == 0 {
		if log != nil {
			log.Debug("NOTES_KEY is not set: session notes written by this process are sealed with a key that is not kept")
		}
		keys = [][]byte{sealed.NewKey()}
	}
	k, err := sealed.New(keys...)
	if err != nil {
		return nil, fmt.Errorf("NOTES_KEY: %w", err)
	}
	return k, nil
}
