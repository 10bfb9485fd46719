package http

import (
	"crypto/sha256"
	"encoding/base64"
	"io/fs"
	"mime"
	"path"
	"regexp"
	"strings"

	"github.com/ecabinet/ecabinet/backend/ecabinet"
	"github.com/ecabinet/ecabinet/backend/http/webapp"
	"github.com/gofiber/fiber/v2"
)

// notBuilt is served when the binary was built without the tablet app.
const notBuilt = `<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><title>e-Cabinet</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body style="font-family: sans-serif; max-width: 40rem; margin: 3rem auto; line-height: 1.5">
<h1>e-Cabinet</h1>
<p>Máy chủ đang chạy, nhưng ứng dụng máy tính bảng chưa được đóng gói vào bản dựng này.</p>
<p>The server is running, but this binary was built without the tablet app. Build it with
<code>scripts/run</code> (or <code>npm --prefix frontend ci &amp;&amp; npm --prefix frontend run build</code>,
then <code>go build ./backend/cmd/ecabinet</code>).</p>
<p>API: <a href="/api/openapi.json">/api/openapi.json</a></p>
</body></html>`

// app serves the tablet app: a file when one exists, index.html for every
// other path (the app routes in the browser), JSON 404 under /api/.
func (s *Server) webApp() fiber.Handler {
	files, built := webapp.Files()
	var shellCSP string
	if built {
		index, err := fs.ReadFile(files, "index.html")
		if err == nil {
			shellCSP = contentSecurityPolicy(inlineScriptHashes(index))
		}
	}
	return func(c *fiber.Ctx) error {
		p := c.Path()
		// Not the app's paths: the API's, and /metrics, which has its own
		// listener (a scraper pointed here gets a plain 404, not the app).
		if strings.HasPrefix(p, "/api/") || p == "/metrics" {
			return ecabinet.Errorf(ecabinet.ENOTFOUND, "route_not_found")
		}
		if !built {
			c.Set(fiber.HeaderCacheControl, "no-store")
			c.Type("html", "utf-8")
			return c.SendString(notBuilt)
		}
		name := strings.TrimPrefix(path.Clean("/"+p), "/")
		data, err := fs.ReadFile(files, name)
		if err != nil && strings.HasPrefix(name, "_app/") {
			// A build file that is not there (an old chunk after a new
			// release): a plain 404, never the shell as JavaScript.
			return fiber.ErrNotFound
		}
		if name == "" || err != nil {
			name = "index.html"
			if data, err = fs.ReadFile(files, name); err != nil {
				return err
			}
		}
		if name == "index.html" {
			c.Set("Content-Security-Policy", shellCSP)
		}
		switch {
		case strings.HasPrefix(name, "_app/immutable/"):
			c.Set(fiber.HeaderCacheControl, "public, max-age=31536000, immutable")
		default:
			// The shell and the service worker must be revalidated so a
			// new release reaches tablets.
			c.Set(fiber.HeaderCacheControl, "no-cache")
		}
		if ct := mime.TypeByExtension(path.Ext(name)); ct != "" {
			c.Set(fiber.HeaderContentType, ct)
		}
		return c.Send(data)
	}
}

var inlineScript = regexp.MustCompile(`(?s)<script>(.*?)</script>`)

// inlineScriptHashes returns " 'sha256-…'" for each inline script of the
// built shell (SvelteKit's bootstrap), so the policy allows exactly those.
func inlineScriptHashes(html []byte) string {
	var out strings.Builder
	for _, m := range inlineScript.FindAllSubmatch(html, -1) {
		sum := sha256.Sum256(m[1])
		out.WriteString(" 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'")
	}
	return out.String()
}
