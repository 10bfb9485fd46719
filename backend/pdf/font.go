package pdf

import (
	"crypto/sha256"
	_ "embed" // the stamp's font
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"github.com/pdfcpu/pdfcpu/pkg/font"
)

// dejaVuSans renders Vietnamese (pdfcpu's built-in fonts are Latin-1 only).
// Licence: fonts/LICENSE-DejaVu.txt.
//
//go:embed fonts/DejaVuSans.ttf
var dejaVuSans []byte

// stampFont is the name pdfcpu knows the font by. It is not the font's
// own name: pdfcpu reuses (and rewrites) a document's embedded font of the
// same name, and documents made with LibreOffice often embed DejaVu Sans.
const stampFont = "ECabinetStamp"

// stampDesc is the stamp's look: small (it sits in the bottom margin),
// over the content, translucent.
const stampDesc = "fontname:" + stampFont + ", points:8, position:bc, offset:0 2, scalefactor:1 abs, rotation:0, fillcolor:#9A1B1B, opacity:0.8"

var fonts struct {
	sync.Mutex
	dir   string
	ready bool
}

// ensureFont makes the stamp font known to pdfcpu. pdfcpu reads user fonts
// from one process-wide directory of its own format; ours is a directory in
// the system's temporary directory named after the font's hash, shared by
// every process and installed again if a cleaner removed it.
func ensureFont() error {
	fonts.Lock()
	defer fonts.Unlock()
	if fonts.dir == "" {
		sum := sha256.Sum256(dejaVuSans)
		fonts.dir = filepath.Join(os.TempDir(), "ecabinet-fonts-"+stampFont+"-"+hex.EncodeToString(sum[:6]))
	}
	installed := filepath.Join(fonts.dir, stampFont+".gob")
	if _, err := os.Stat(installed); err != nil {
		if err := installFont(fonts.dir, installed); err != nil {
			return err
		}
	}
	if !fonts.ready {
		font.UserFontDir = fonts.dir
		if err := font.ReloadUserFonts(); err != nil {
			return fmt.Errorf("pdf: load the stamp font: %w", err)
		}
		fonts.ready = true
	}
	return nil
}

// installFont writes pdfcpu's form of the font into a fresh directory and
// renames it into place, so that concurrent processes never see half of it.
func installFont(dir, installed string) error {
	tmp, err := os.MkdirTemp(filepath.Dir(dir), filepath.Base(dir)+".tmp-")
	if err != nil {
		return fmt.Errorf("pdf: install the stamp font: %w", err)
	}
	defer os.RemoveAll(tmp)
	// pdfcpu names the installed font after its PostScript name; it knows
	// fonts by their file names.
	if err := font.InstallFontFromBytesQuiet(tmp, "DejaVuSans", dejaVuSans); err != nil {
		return fmt.Errorf("pdf: install the stamp font: %w", err)
	}
	if err := os.Rename(filepath.Join(tmp, "DejaVuSans.gob"), filepath.Join(tmp, stampFont+".gob")); err != nil {
		return fmt.Errorf("pdf: install the stamp font: %w", err)
	}
	if err := os.Rename(tmp, dir); err != nil {
		if _, statErr := os.Stat(installed); statErr == nil {
			return nil // another process installed it meanwhile
		}
		// A directory without the font (left half-cleaned): replace it.
		if err := os.RemoveAll(dir); err != nil {
			return fmt.Errorf("pdf: install the stamp font: %w", err)
		}
		if err := os.Rename(tmp, dir); err != nil {
			return fmt.Errorf("pdf: install the stamp font: %w", err)
		}
	}
	return nil
}

//go:embed fonts/DejaVuSans-Bold.ttf
var dejaVuSansBold []byte

// Font returns the embedded DejaVu Sans (TrueType, regular and bold), which
// covers Vietnamese; reports and demo documents are written with it.
func Font() (regular, bold []byte) { return dejaVuSans, dejaVuSansBold }
