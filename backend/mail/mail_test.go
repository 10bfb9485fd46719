package mail_test

import (
	"mime"
	"strings"
	"testing"
	"time"

	"github.com/ecabinet/ecabinet/backend/mail"
	"github.com/ecabinet/ecabinet/backend/testenv"
)

func TestSend(t *testing.T) {
	url, inbox := testenv.SMTP(t)
	m, err := mail.New(url, "e-cabinet@chinhphu.example")
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Send("bo.truong@example.gov.vn", "Nhắc trả lời phiếu lấy ý kiến", "Hạn trả lời: 17:00 ngày 03/12/2026.\nTrân trọng."); err != nil {
		t.Fatal(err)
	}
	select {
	case got := <-inbox:
		if got.To != "bo.truong@example.gov.vn" || got.From != "e-cabinet@chinhphu.example" {
			t.Fatalf("envelope %+v", got)
		}
		var subject string
		for _, line := range strings.Split(got.Data, "\r\n") {
			if v, ok := strings.CutPrefix(line, "Subject: "); ok {
				subject, _ = new(mime.WordDecoder).DecodeHeader(v)
			}
		}
		if subject != "Nhắc trả lời phiếu lấy ý kiến" || !strings.Contains(got.Data, "Hạn trả lời: 17:00 ngày 03/12/2026.\r\nTrân trọng.") {
			t.Fatalf("message %q (subject %q)", got.Data, subject)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no mail arrived")
	}
	if err := m.Send("a@b\r\nRCPT TO:<x@y>", "s", "t"); err == nil {
		t.Fatal("a header-injecting address was accepted")
	}
	for _, bad := range []string{"http://x", "smtp://", "smtp://host-without-port"} {
		if _, err := mail.New(bad, "a@b"); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
