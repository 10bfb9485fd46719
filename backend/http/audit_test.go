package http_test

import (
	"context"
	"testing"

	"github.com/ecabinet/ecabinet/backend/apptest"
	"github.com/ecabinet/ecabinet/backend/ecabinet"
)

// An admin cleared for nothing reads that a member opened a document, but
// of a document above that clearance neither which nor its version: the
// entry keeps its place and hash, every entry still hashes to its hash
// (the chain verifies, from the answer and in the database), and nothing
// of the hidden entry lets the admin search for the document it names.
// Cleared for it, the admin reads it all.
func TestAuditRedactsDocumentsAboveTheReader(t *testing.T) {
	apptest.ForEach(t, nil, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		s := newSession(t, e)
		secret := s.uploaded(t, "Phương án bảo đảm an ninh", ecabinet.ClassSecret)
		open := s.uploaded(t, "Báo cáo tình hình kinh tế", ecabinet.ClassNone)
		s.publish(t)
		reader := e.Login(t, "member01") // cleared for secret
		for _, d := range []*ecabinet.Document{secret, open} {
			if code := status(t, reader, docPath(d.ID, "/versions/"+itoa(d.Current.ID)+"/content")); code != 200 {
				t.Fatalf("opening document %d: %d", d.ID, code)
			}
		}

		admin := e.Login(t, "admin") // cleared for nothing
		read := func() (hidden, shown *ecabinet.AuditEntry) {
			t.Helper()
			var entries []*ecabinet.AuditEntry
			if err := admin.Do(ctx, "GET", "/api/v1/audit?limit=1000", nil, &entries); err != nil {
				t.Fatal(err)
			}
			for i, en := range entries {
				if i > 0 && en.ID <= entries[i-1].ID {
					t.Fatalf("entries out of order at %d", en.ID)
				}
				if ecabinet.ChainHash(en.PrevHash, en) != en.Hash {
					t.Fatalf("entry %d does not hash to its hash: %+v", en.ID, en)
				}
				if !en.Redacted && en.Content != ecabinet.Commitment(en.Salt, en.Subject, en.Detail) {
					t.Fatalf("entry %d: its content is not the commitment of its subject", en.ID)
				}
				if en.Action != ecabinet.AuditDocumentOpened || en.ActorID != s.members["member01"].ID {
					continue
				}
				if en.Redacted {
					hidden = en
				} else if en.Subject == ecabinet.Subject("document", open.ID) {
					shown = en
				}
			}
			return hidden, shown
		}
		hidden, shown := read()
		if shown == nil || len(shown.Detail) == 0 {
			t.Fatalf("the unclassified document's opening: %+v", shown)
		}
		if hidden == nil || hidden.Subject != "" || hidden.Detail != nil || hidden.Salt != "" || hidden.Content == "" || hidden.Hash == "" {
			t.Fatalf("the secret document's opening is not redacted: %+v", hidden)
		}
		if n, brk, err := e.App.DB.VerifyAudit(ctx); err != nil || brk != nil || n == 0 {
			t.Fatalf("the chain: %d entries, %+v, %v", n, brk, err)
		}

		// Cleared for secret, the admin reads the same entry in full.
		me := s.members["admin"]
		in := ecabinet.MemberInput{Username: me.Username, FullName: me.FullName, Title: me.Title, Organization: me.Organization,
			Role: me.Role, Clearance: ecabinet.ClassSecret, Voting: me.Voting, Active: true}
		if err := admin.Do(ctx, "PUT", "/api/v1/members/"+itoa(me.ID), in, nil); err != nil {
			t.Fatal(err)
		}
		admin = e.Login(t, "admin") // a new sign-in: the change ended the old one
		if again, _ := read(); again != nil {
			t.Fatalf("redacted for a reader cleared for it: %+v", again)
		}
	})
}
