package web

import (
	"net/netip"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// ForwardedFor makes fiber's c.IP() the person's address behind trusted proxies. The web
// server (fiber.Config: EnableTrustedProxyCheck, TrustedProxies, ProxyHeader X-Forwarded-For)
// believes X-Forwarded-For only on a connection from a trusted proxy, and then takes its first
// address — which is whatever the client wrote there when a proxy appends to the header rather
// than replacing it. So this middleware, first in line, rewrites the header of a request from
// a trusted proxy to the one address that proxy saw: the rightmost one that is not itself a
// trusted proxy. A client can prepend what it likes; it cannot choose its address.
func ForwardedFor(trusted []string) fiber.Handler {
	var nets []netip.Prefix
	for _, t := range trusted {
		if p, err := netip.ParsePrefix(t); err == nil {
			nets = append(nets, p.Masked())
		} else if a, err := netip.ParseAddr(t); err == nil {
			nets = append(nets, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
		}
	}
	isTrusted := func(a netip.Addr) bool {
		for _, n := range nets {
			if n.Contains(a) {
				return true
			}
		}
		return false
	}
	return func(c *fiber.Ctx) error {
		if len(nets) == 0 || !c.IsProxyTrusted() {
			return c.Next() // the header is not believed at all
		}
		h := &c.Request().Header
		var all []string
		for _, v := range h.PeekAll(fiber.HeaderXForwardedFor) {
			all = append(all, strings.Split(string(v), ",")...)
		}
		client := ""
		for i := len(all) - 1; i >= 0; i-- {
			a, err := netip.ParseAddr(strings.TrimSpace(all[i]))
			if err != nil {
				break // what lies left of a malformed entry cannot be trusted either
			}
			client = a.Unmap().String()
			if !isTrusted(a.Unmap()) {
				break
			}
		}
		h.Del(fiber.HeaderXForwardedFor)
		if client != "" {
			h.Set(fiber.HeaderXForwardedFor, client)
		}
		return c.Next()
	}
}
