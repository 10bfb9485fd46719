// Package webapp holds the tablet app's static build (frontend/, built with
// `npm run build` into dist/), embedded in the binary.
package webapp

import (
	"embed"
	"io/fs"
)

//go:embed all:dist
var dist embed.FS

// Files returns the built app and whether there is one: a binary built
// before the frontend has only dist/.keep.
func Files() (fs.FS, bool) {
	sub, err := fs.Sub(dist, "dist")
	if err != nil {
		return nil, false
	}
	if _, err := fs.Stat(sub, "index.html"); err != nil {
		return sub, false
	}
	return sub, true
}
