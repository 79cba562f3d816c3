package accounts

import "testing"

func TestAddressKey(t *testing.T) {
	for in, want := range map[string]string{
		"203.0.113.9":             "203.0.113.9",
		"::ffff:203.0.113.9":      "203.0.113.9",
		"2001:db8:1:2:aaaa::1":    "2001:db8:1:2::/64",
		"2001:db8:1:2:ffff::9999": "2001:db8:1:2::/64",
		"fe80::1%eth0":            "fe80::/64",
		"not an address":          "not an address",
	} {
		if got := addressKey(in); got != want {
			t.Errorf("addressKey(%q) = %q, want %q", in, got, want)
		}
	}
	// Two addresses of one IPv6 /64 share the per-address count; two /64s do not.
	if pairLimit("a@b.c", "2001:db8:1:2::1").Key != pairLimit("a@b.c", "2001:db8:1:2::2").Key {
		t.Error("two addresses of one /64 are counted apart")
	}
	if pairLimit("a@b.c", "2001:db8:1:2::1").Key == pairLimit("a@b.c", "2001:db8:1:3::1").Key {
		t.Error("two /64s are counted together")
	}
}
