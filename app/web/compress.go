package web

import (
	"bytes"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"
)

// MinCompress is the smallest body Compress compresses: below about a kilobyte the bytes saved
// do not repay the CPU (and a network packet holds it anyway).
const MinCompress = 1024

// compressible are the content types worth compressing: pages, htmx fragments, the styles and
// scripts, icons, JSON. Files people download (CSV, XLSX, PDF, uploads) are sent as they are:
// the spreadsheets are zip files already, and a download's bytes are not on a page's path.
var compressible = [][]byte{
	[]byte("text/html"), []byte("text/css"), []byte("text/javascript"), []byte("application/javascript"),
	[]byte("image/svg+xml"), []byte("application/json"),
}

// Compress sends text responses of MinCompress bytes or more compressed with brotli or gzip,
// whichever the browser accepts, at the fastest level: HTML compresses 5 to 10 times at that
// level (the staffing and engagements pages were 61 KB and 157 KB), for a fraction of a
// millisecond of CPU (BenchmarkCompress). Streamed bodies and attachments are left alone.
//
// Compressed pages that carry a secret and reflect what a visitor typed are what BREACH
// attacks; the one secret on every page, the CSRF token, is masked afresh on every response
// (CSRFToken), so its bytes never repeat.
func Compress() fiber.Handler {
	compress := fasthttp.CompressHandlerBrotliLevel(func(*fasthttp.RequestCtx) {},
		fasthttp.CompressBrotliBestSpeed, fasthttp.CompressBestSpeed)
	return func(c *fiber.Ctx) error {
		if err := c.Next(); err != nil {
			return err
		}
		resp := c.Response()
		if len(resp.Header.Peek(fiber.HeaderContentDisposition)) > 0 {
			return nil
		}
		// A streamed body is a download (an export); static files come compressed already
		// (StaticFiles), and fasthttp leaves a body with a Content-Encoding alone.
		if resp.IsBodyStream() || len(resp.Body()) < MinCompress {
			return nil
		}
		ct := resp.Header.ContentType()
		for _, p := range compressible {
			if bytes.HasPrefix(ct, p) {
				compress(c.Context())
				c.Vary(fiber.HeaderAcceptEncoding)
				return nil
			}
		}
		return nil
	}
}
