// Package sealed encrypts small sensitive values at rest (session notes) with AES-256-GCM from
// the standard library. A sealed value names the key that sealed it, so keys can rotate: the
// first key of a Keyring seals, every key of it opens. The additional data binds a value to its
// row (tenant id and record id), so a sealed value copied into another row does not open.
package sealed

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
)

// KeySize is the length of a key: 32 bytes for AES-256.
const KeySize = 32

// prefix marks the format of a sealed value: "s1.<key id>.<base64url(nonce|ciphertext)>".
const prefix = "s1"

// ErrOpen is returned when a value cannot be opened: the wrong key, another row's value, or a
// damaged one. It never says which, and never carries the value.
var ErrOpen = errors.New("sealed: the value could not be opened (wrong key, moved or damaged)")

// Keyring holds the key that seals and the older keys that still open.
type Keyring struct {
	current string
	aeads   map[string]cipher.AEAD
}

// KeyID is a key's short public name: the first 8 hex digits of its SHA-256.
func KeyID(key []byte) string {
	sum := sha256.Sum256(key)
	return hex.EncodeToString(sum[:4])
}

// New returns a keyring sealing with keys[0] and opening with any of keys. Each key is 32 bytes.
func New(keys ...[]byte) (*Keyring, error) {
	if len(keys) == 0 {
		return nil, errors.New("sealed: no key")
	}
	k := &Keyring{aeads: map[string]cipher.AEAD{}}
	for i, key := range keys {
		if len(key) != KeySize {
			return nil, fmt.Errorf("sealed: key %d is %d bytes, want %d", i+1, len(key), KeySize)
		}
		block, err := aes.NewCipher(key)
		if err != nil {
			return nil, err
		}
		gcm, err := cipher.NewGCM(block)
		if err != nil {
			return nil, err
		}
		id := KeyID(key)
		if i == 0 {
			k.current = id
		}
		k.aeads[id] = gcm
	}
	return k, nil
}

// NewKey returns a fresh random key.
func NewKey() []byte {
	b := make([]byte, KeySize)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return b
}

// ParseKeys reads keys written as base64 (standard or URL alphabet, padded or not), separated
// by commas: the first seals, the others only open (keys being rotated out).
func ParseKeys(s string) ([][]byte, error) {
	var keys [][]byte
	for i, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		var b []byte
		var err error
		for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
			if b, err = enc.DecodeString(part); err == nil {
				break
			}
		}
		if err != nil {
			return nil, fmt.Errorf("key %d is not base64", i+1)
		}
		if len(b) != KeySize {
			return nil, fmt.Errorf("key %d is %d bytes, not %d (make one with: openssl rand -base64 32)", i+1, len(b), KeySize)
		}
		keys = append(keys, b)
	}
	if len(keys) == 0 {
		return nil, errors.New("holds no key")
	}
	return keys, nil
}

// EncodeKey writes a key as NOTES_KEY expects it.
func EncodeKey(key []byte) string { return base64.StdEncoding.EncodeToString(key) }

// aad joins the parts binding a value to its place (tenant id, record id), unambiguously.
func aad(parts []string) []byte {
	var b []byte
	for _, p := range parts {
		b = fmt.Appendf(b, "%d:%s;", len(p), p)
	}
	return b
}

// Seal encrypts plain for the place named by bind (say the tenant id and the session id). An
// empty plain seals to "" (nothing to hide, nothing stored).
func (k *Keyring) Seal(plain string, bind ...string) (string, error) {
	if plain == "" {
		return "", nil
	}
	gcm := k.aeads[k.current]
	nonce := make([]byte, gcm.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", err
	}
	out := gcm.Seal(nonce, nonce, []byte(plain), aad(bind))
	return prefix + "." + k.current + "." + base64.RawURLEncoding.EncodeToString(out), nil
}

// Open decrypts a value sealed for the same place. "" opens to "".
func (k *Keyring) Open(value string, bind ...string) (string, error) {
	if value == "" {
		return "", nil
	}
	parts := strings.SplitN(value, ".", 3)
	if len(parts) != 3 || parts[0] != prefix {
		return "", ErrOpen
	}
	gcm, ok := k.aeads[parts[1]]
	if !ok {
		return "", ErrOpen
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil || len(raw) < gcm.NonceSize() {
		return "", ErrOpen
	}
	plain, err := gcm.Open(nil, raw[:gcm.NonceSize()], raw[gcm.NonceSize():], aad(bind))
	if err != nil {
		return "", ErrOpen
	}
	return string(plain), nil
}

// CurrentKeyID is the id of the key that seals.
func (k *Keyring) CurrentKeyID() string { return k.current }
