package sealed_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/holdspace/holdspace/app/sealed"
)

func TestSealOpen(t *testing.T) {
	k, err := sealed.New(sealed.NewKey())
	if err != nil {
		t.Fatal(err)
	}
	v, err := k.Seal("Talked about the toddler room's transitions.", "tenant-1", "session-1")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(v, "toddler") || !strings.HasPrefix(v, "s1."+k.CurrentKeyID()+".") {
		t.Fatalf("sealed value %q shows the text or lacks the key id", v)
	}
	got, err := k.Open(v, "tenant-1", "session-1")
	if err != nil || got != "Talked about the toddler room's transitions." {
		t.Fatalf("Open = %q, %v", got, err)
	}
	again, _ := k.Seal("Talked about the toddler room's transitions.", "tenant-1", "session-1")
	if again == v {
		t.Fatal("two seals of the same text are equal: the nonce is not random")
	}
	if e, _ := k.Seal("", "t", "s"); e != "" {
		t.Fatalf("empty text sealed to %q", e)
	}
}

func TestWrongKey(t *testing.T) {
	a, _ := sealed.New(sealed.NewKey())
	b, _ := sealed.New(sealed.NewKey())
	v, _ := a.Seal("private", "t", "s")
	if _, err := b.Open(v, "t", "s"); !errors.Is(err, sealed.ErrOpen) {
		t.Fatalf("another key opened it: %v", err)
	}
	// Same key id, other key material (a forged prefix): still refused.
	forged := strings.Replace(v, a.CurrentKeyID(), b.CurrentKeyID(), 1)
	if _, err := b.Open(forged, "t", "s"); !errors.Is(err, sealed.ErrOpen) {
		t.Fatalf("a forged key id opened it: %v", err)
	}
	if _, err := a.Open(v[:len(v)-2]+"AA", "t", "s"); !errors.Is(err, sealed.ErrOpen) {
		t.Fatalf("a damaged value opened: %v", err)
	}
}

func TestMovedRow(t *testing.T) {
	k, _ := sealed.New(sealed.NewKey())
	v, _ := k.Seal("private", "tenant-1", "session-1")
	for _, bind := range [][]string{{"tenant-1", "session-2"}, {"tenant-2", "session-1"}, {"tenant-1session-1"}, {"tenant-1", "session-1", ""}} {
		if _, err := k.Open(v, bind...); !errors.Is(err, sealed.ErrOpen) {
			t.Fatalf("opened under %q: %v", bind, err)
		}
	}
}

func TestRotation(t *testing.T) {
	oldKey, newKey := sealed.NewKey(), sealed.NewKey()
	old, _ := sealed.New(oldKey)
	v, _ := old.Seal("before rotation", "t", "s")
	rotated, err := sealed.New(newKey, oldKey)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := rotated.Open(v, "t", "s"); err != nil || got != "before rotation" {
		t.Fatalf("the old key's value after rotation: %q, %v", got, err)
	}
	w, _ := rotated.Seal("after", "t", "s")
	if !strings.HasPrefix(w, "s1."+sealed.KeyID(newKey)+".") {
		t.Fatalf("a new value is not sealed with the new key: %q", w)
	}
}

func TestParseKeys(t *testing.T) {
	k := sealed.NewKey()
	keys, err := sealed.ParseKeys(sealed.EncodeKey(k) + ", " + sealed.EncodeKey(sealed.NewKey()))
	if err != nil || len(keys) != 2 || string(keys[0]) != string(k) {
		t.Fatalf("ParseKeys = %d keys, %v", len(keys), err)
	}
	for _, bad := range []string{"", "not base64!", sealed.EncodeKey([]byte("short"))} {
		if _, err := sealed.ParseKeys(bad); err == nil {
			t.Fatalf("ParseKeys(%q) accepted it", bad)
		}
	}
	if _, err := sealed.New([]byte("short")); err == nil {
		t.Fatal("New accepted a short key")
	}
}
