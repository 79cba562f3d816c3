package web

import (
	"crypto/sha256"
	"encoding/base64"
	"io/fs"
	"mime"
	"path"
	"strings"
	"sync"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"
)

// staticFile is one file of the static folder as it is served: its bytes, and compressed
// copies made once (the files are embedded in the program, so they never change under it).
type staticFile struct {
	raw, gzip, brotli []byte
	contentType, etag string
}

// StaticFiles serves the files of fsys under prefix, each read and compressed once, at the
// highest levels that stay quick (USWDS's 527 KB of CSS: about 65 KB in brotli), so a page's
// styles and scripts cost no CPU per request. Browsers keep them an hour and then ask again
// with the ETag (304 when unchanged).
func StaticFiles(fsys fs.FS, prefix string) fiber.Handler {
	var mu sync.Mutex
	files := map[string]*staticFile{}
	load := func(name string) (*staticFile, error) {
		mu.Lock()
		defer mu.Unlock()
		if f, ok := files[name]; ok {
			return f, nil
		}
		raw, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		sum := sha256.Sum256(raw)
		f := &staticFile{raw: raw, contentType: mime.TypeByExtension(path.Ext(name)),
			etag: `"` + base64.RawURLEncoding.EncodeToString(sum[:12]) + `"`}
		if f.contentType == "" {
			f.contentType = fiber.MIMEOctetStream
		}
		if compressibleType(f.contentType) && len(raw) >= MinCompress {
			f.gzip = fasthttp.AppendGzipBytesLevel(nil, raw, fasthttp.CompressBestCompression)
			f.brotli = fasthttp.AppendBrotliBytesLevel(nil, raw, 9)
		}
		files[name] = f
		return f, nil
	}
	return func(c *fiber.Ctx) error {
		name := strings.TrimPrefix(c.Path(), prefix)
		if !fs.ValidPath(name) {
			return fiber.ErrNotFound
		}
		f, err := load(name)
		if err != nil {
			return fiber.ErrNotFound
		}
		c.Set(fiber.HeaderCacheControl, "public, max-age=3600")
		c.Set(fiber.HeaderETag, f.etag)
		c.Set(fiber.HeaderContentType, f.contentType)
		if f.gzip != nil {
			c.Vary(fiber.HeaderAcceptEncoding)
		}
		if c.Get(fiber.HeaderIfNoneMatch) == f.etag {
			return c.SendStatus(fiber.StatusNotModified)
		}
		body := f.raw
		accepts := &c.Context().Request.Header
		switch {
		case f.brotli != nil && accepts.HasAcceptEncoding("br"):
			body = f.brotli
			c.Set(fiber.HeaderContentEncoding, "br")
		case f.gzip != nil && accepts.HasAcceptEncoding("gzip"):
			body = f.gzip
			c.Set(fiber.HeaderContentEncoding, "gzip")
		}
		return c.Send(body)
	}
}

func compressibleType(ct string) bool {
	for _, p := range compressible {
		if strings.HasPrefix(ct, string(p)) {
			return true
		}
	}
	return false
}
