package ecabinet_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/ecabinet/ecabinet/backend/ecabinet"
)

func TestCleanFilename(t *testing.T) {
	for in, want := range map[string]string{
		"Tờ trình số 12.pdf":                "Tờ trình số 12.pdf",
		`C:\Users\Hà\Báo cáo "quý" III.PDF`: "Báo cáo quý III.pdf",
		"/tmp/../../etc/passwd":             "passwd.pdf",
		"  ..  ":                            "document.pdf",
		"":                                  "document.pdf",
		"đề án\x00\r\n.pdf":                 "đề án.pdf",
		"bad\xffutf8.pdf":                   "badutf8.pdf",
		strings.Repeat("á", 300) + ".pdf":   strings.Repeat("á", ecabinet.MaxFilename-4) + ".pdf",
		"scan.pdf.exe":                      "scan.pdf.exe.pdf",
	} {
		if got := ecabinet.CleanFilename(in); got != want {
			t.Errorf("CleanFilename(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestClassificationAtOrBelow(t *testing.T) {
	got := ecabinet.ClassSecret.AtOrBelow()
	if !slices.Equal(got, []ecabinet.Classification{ecabinet.ClassNone, ecabinet.ClassConfidential, ecabinet.ClassSecret}) {
		t.Fatalf("secret covers %v", got)
	}
	got[0] = ecabinet.ClassTopSecret // the caller's copy
	if ecabinet.Classifications[0] != ecabinet.ClassNone {
		t.Fatal("AtOrBelow returned the package's own slice")
	}
	if ecabinet.Classification("cosmic").AtOrBelow() != nil {
		t.Fatal("an unknown level covers something")
	}
}

func TestPaperCopyInput(t *testing.T) {
	for _, in := range []ecabinet.PaperCopyInput{{}, {HolderID: 1, CopyNo: -1}} {
		if err := in.Validate(); ecabinet.ErrorCode(err) != ecabinet.EINVALID {
			t.Errorf("%+v: %v", in, err)
		}
	}
	if err := (&ecabinet.PaperCopyInput{HolderID: 3, CopyNo: 2}).Validate(); err != nil {
		t.Fatal(err)
	}
}
