package http_test

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/base64"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/ecabinet/ecabinet/backend/apptest"
	"github.com/ecabinet/ecabinet/backend/client"
	"github.com/ecabinet/ecabinet/backend/ecabinet"
	"github.com/ecabinet/ecabinet/backend/pades"
	"github.com/ecabinet/ecabinet/backend/pades/padestest"
	"github.com/ecabinet/ecabinet/backend/report"
	"github.com/ecabinet/ecabinet/backend/store"
	"software.sslmate.com/src/go-pkcs12"
)

// signingEnv seals signers' keys with a key of its own on every backend.
var signingEnv = map[string]string{"ECABINET_SIGNING_KEY": base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{7}, 32))}

// closedWithNotice makes a closed session of the demo body with a
// published conclusion notice, and returns the session's id.
func closedWithNotice(t *testing.T, e *apptest.Env) int64 {
	t.Helper()
	sec, chair := e.As(t, "secretary1"), e.As(t, "chair")
	meetings := store.NewMeetingService(e.App.DB)
	start := time.Now().Add(-2 * time.Hour)
	var invitees []int64
	for _, u := range []string{"chair", "member01", "member02"} {
		a, err := e.App.DB.ActorByUsername(context.Background(), u)
		if err != nil {
			t.Fatal(err)
		}
		invitees = append(invitees, a.MemberID)
	}
	m, err := meetings.CreateMeeting(sec, ecabinet.MeetingInput{Kind: ecabinet.KindThematic, Title: "Phiên họp chuyên đề về xây dựng pháp luật",
		ScheduledStart: start, ScheduledEnd: start.Add(time.Hour), Invitees: invitees})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := meetings.AddItem(sec, m.ID, ecabinet.AgendaItemInput{Title: "Dự án Luật Dữ liệu", PlannedMinutes: 30}); err != nil {
		t.Fatal(err)
	}
	if _, err := meetings.Transition(sec, m.ID, ecabinet.ActionPublish, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := meetings.Transition(chair, m.ID, ecabinet.ActionStart, &ecabinet.OverrideInput{Reason: "kiểm thử"}); err != nil {
		t.Fatal(err)
	}
	if _, err := meetings.Transition(chair, m.ID, ecabinet.ActionClose, nil); err != nil {
		t.Fatal(err)
	}
	conclusions := store.NewConclusionService(e.App.DB)
	if _, err := conclusions.SaveConclusion(sec, m.ID, ecabinet.ConclusionInput{Title: "Kết luận của Thủ tướng tại phiên họp chuyên đề",
		Text: "Chính phủ cơ bản thống nhất với dự án Luật."}); err != nil {
		t.Fatal(err)
	}
	if _, err := conclusions.PublishConclusion(sec, m.ID); err != nil {
		t.Fatal(err)
	}
	return m.ID
}

// demoRoots returns the CA certificates the demo body trusts, as stored.
func demoRoots(t *testing.T, e *apptest.Env) []*x509.Certificate {
	t.Helper()
	rows, err := e.App.DB.SQL().Query("SELECT cert_pem FROM trusted_cas")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []*x509.Certificate
	for rows.Next() {
		var p string
		if err := rows.Scan(&p); err != nil {
			t.Fatal(err)
		}
		c, err := pades.DecodeCertificates([]byte(p))
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, c...)
	}
	return out
}

// TestConclusionNoticeSignedByItsSigners: the secretariat's head initials,
// the chair signs; each after confirming; nobody else may; the signed
// original verifies with poppler's pdfsig and pdfcpu, and members are told.
func TestConclusionNoticeSignedByItsSigners(t *testing.T) {
	apptest.ForEach(t, signingEnv, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		meetingID := closedWithNotice(t, e)
		path := "/api/v1/meetings/" + itoa(meetingID) + "/issued/conclusion"
		member, sec, chair := e.Login(t, "member01"), e.Login(t, "secretary1"), e.Login(t, "chair")
		sec2 := e.Login(t, "secretary2")

		var issued ecabinet.IssuedDocument
		if err := member.Do(ctx, "GET", path, nil, &issued); err != nil || len(issued.Signers) != 2 || issued.Document != nil {
			t.Fatalf("before signing: %v %+v", err, issued)
		}
		for who, c := range map[string]*client.Client{"member01": member, "secretary2": sec2} {
			err := c.Do(ctx, "POST", path, ecabinet.Confirmation{Password: apptest.Password}, nil)
			if ae := apiError(t, err); ae.Status != 403 {
				t.Fatalf("%s signs: %v", who, err)
			}
		}
		err := sec.Do(ctx, "POST", path, ecabinet.Confirmation{Password: "sai mật khẩu"}, nil)
		if ae := apiError(t, err); ae.Status != 403 || !strings.Contains(ae.Message, "chưa được ký") {
			t.Fatalf("wrong password: %v", err)
		}

		stream, err := member.Connect(ctx, client.StreamOptions{})
		if err != nil {
			t.Fatal(err)
		}
		defer stream.Close()
		if err := stream.Subscribe(ecabinet.MeetingScope(meetingID)); err != nil {
			t.Fatal(err)
		}
		waitFrame(t, stream, "snapshot", "")

		if err := sec.Do(ctx, "POST", path, ecabinet.Confirmation{Password: apptest.Password}, &issued); err != nil {
			t.Fatal(err)
		}
		if issued.Document == nil || issued.Document.Current.Version != 1 || len(issued.Document.Current.Signatures) != 1 {
			t.Fatalf("after the first signature: %+v", issued)
		}
		if err := chair.Do(ctx, "POST", path, ecabinet.Confirmation{Password: apptest.Password}, &issued); err != nil {
			t.Fatal(err)
		}
		cur := issued.Document.Current
		if cur.Version != 2 || len(cur.Signatures) != 2 || len(issued.SignedBy) != 2 || issued.Document.Issued != ecabinet.IssuedConclusion {
			t.Fatalf("after the chair: %+v", issued)
		}
		for i, sg := range cur.Signatures {
			if !sg.Valid || sg.Modified || !sg.Trusted || sg.MemberID != issued.SignedBy[i] || sg.SignedAt == nil {
				t.Fatalf("signature %d: %+v", i, sg)
			}
		}
		if cur.Signatures[1].Signer != "Nguyễn Minh Đức" {
			t.Fatalf("the chair's signature names %q", cur.Signatures[1].Signer)
		}
		err = chair.Do(ctx, "POST", path, ecabinet.Confirmation{Password: apptest.Password}, nil)
		if ae := apiError(t, err); ae.Status != 409 {
			t.Fatalf("signing twice: %v", err)
		}

		// A member sees it among the session's documents and is told.
		var docs []*ecabinet.Document
		if err := member.Do(ctx, "GET", "/api/v1/meetings/"+itoa(meetingID)+"/documents", nil, &docs); err != nil {
			t.Fatal(err)
		}
		if len(docs) != 1 || len(docs[0].Current.Signatures) != 2 {
			t.Fatalf("documents: %+v", docs)
		}
		waitFrame(t, stream, "event", ecabinet.EventDocumentSigned)
		waitFrame(t, stream, "event", ecabinet.EventDocumentSigned)

		// The signed original, unchanged, verifies outside e-Cabinet.
		resp, err := member.Send(ctx, "GET", "/api/v1/documents/"+itoa(docs[0].ID)+"/versions/"+itoa(cur.ID)+"/original", nil, "", nil)
		if err != nil {
			t.Fatal(err)
		}
		original, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if !strings.HasPrefix(resp.Header.Get("Content-Disposition"), "attachment") || len(original) != int(cur.Size) {
			t.Fatalf("original: %s, %d bytes", resp.Header.Get("Content-Disposition"), len(original))
		}
		out := padestest.Pdfsig(t, padestest.NSSDB(t, demoRoots(t, e)...), original)
		if strings.Count(out, "Signature is Valid.") != 2 || strings.Count(out, "Certificate is Trusted.") != 2 || strings.Count(out, "ETSI.CAdES.detached") != 2 {
			t.Fatalf("pdfsig:\n%s", out)
		}

		var entries []*ecabinet.AuditEntry
		if err := e.Login(t, "admin").Do(ctx, "GET", "/api/v1/audit?limit=1000", nil, &entries); err != nil {
			t.Fatal(err)
		}
		count := map[string]int{}
		for _, en := range entries {
			count[en.Action]++
		}
		if count[ecabinet.AuditDocumentSigned] != 2 || count[ecabinet.AuditOriginal] != 1 {
			t.Fatalf("audit: %v", count)
		}
	})
}

// TestCertificateImportRefusals: each bad PKCS#12 file is refused with 422
// and its own message, and nothing is stored.
func TestCertificateImportRefusals(t *testing.T) {
	apptest.ForEach(t, signingEnv, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		admin := e.Login(t, "admin")
		chair, err := e.App.DB.ActorByUsername(ctx, "chair")
		if err != nil {
			t.Fatal(err)
		}
		ca := padestest.NewCA(t, "CA thử nghiệm")
		good := padestest.Issue(t, ca, padestest.Leaf("Nguyễn Minh Đức"))
		expired := padestest.Leaf("Hết hạn")
		expired.NotBefore, expired.NotAfter = time.Now().Add(-48*time.Hour), time.Now().Add(-time.Hour)
		future := padestest.Leaf("Chưa hiệu lực")
		future.NotBefore, future.NotAfter = time.Now().Add(time.Hour), time.Now().Add(48*time.Hour)
		encipher := padestest.Leaf("Chỉ mã hóa")
		encipher.KeyUsage = 0x20 // key encipherment only
		other := padestest.Issue(t, ca, padestest.Leaf("Người khác"))
		withKey := func(is *padestest.Issued) []byte { return padestest.P12(t, is.Key, is.Cert, nil, "pw") }
		certOnly, err := pkcs12.Modern.EncodeTrustStore([]*x509.Certificate{good.Cert}, "pw")
		if err != nil {
			t.Fatal(err)
		}
		var before []*ecabinet.SigningCertificate
		if err := admin.Do(ctx, "GET", "/api/v1/signing/certificates", nil, &before); err != nil {
			t.Fatal(err)
		}
		messages := map[string]bool{}
		for _, c := range []struct {
			name, password string
			file           []byte
		}{
			{"wrong password", "sai", withKey(good)},
			{"certificate without key", "pw", certOnly},
			{"expired", "pw", withKey(padestest.Issue(t, ca, expired))},
			{"not yet valid", "pw", withKey(padestest.Issue(t, ca, future))},
			{"key not matching", "pw", padestest.P12(t, other.Key, good.Cert, nil, "pw")},
			{"not for signing", "pw", withKey(padestest.Issue(t, ca, encipher))},
		} {
			err := admin.Do(ctx, "POST", "/api/v1/signing/certificates", map[string]any{"member_id": chair.MemberID,
				"pkcs12": base64.StdEncoding.EncodeToString(c.file), "password": c.password}, nil)
			ae := apiError(t, err)
			if ae.Status != 422 || ae.Code != ecabinet.EUNPROCESSABLE || messages[ae.Message] || strings.Contains(ae.Message, "pkcs12:") {
				t.Fatalf("%s: %v", c.name, err)
			}
			messages[ae.Message] = true
		}
		var after []*ecabinet.SigningCertificate
		if err := admin.Do(ctx, "GET", "/api/v1/signing/certificates", nil, &after); err != nil {
			t.Fatal(err)
		}
		if len(after) != len(before) || (len(after) > 0 && after[len(after)-1].ID != before[len(before)-1].ID) {
			t.Fatalf("a refused import changed the certificates: %d then %d", len(before), len(after))
		}
		// A member without a signing role holds none; the right file replaces the chair's.
		m1, _ := e.App.DB.ActorByUsername(ctx, "member01")
		err = admin.Do(ctx, "POST", "/api/v1/signing/certificates", map[string]any{"member_id": m1.MemberID,
			"pkcs12": base64.StdEncoding.EncodeToString(withKey(good)), "password": "pw"}, nil)
		if ae := apiError(t, err); ae.Status != 400 {
			t.Fatalf("member without a signing role: %v", err)
		}
		var cert ecabinet.SigningCertificate
		if err := admin.Do(ctx, "POST", "/api/v1/signing/certificates", map[string]any{"member_id": chair.MemberID,
			"pkcs12": base64.StdEncoding.EncodeToString(withKey(good)), "password": "pw"}, &cert); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(cert.Subject, "Nguyễn Minh Đức") {
			t.Fatalf("imported %+v", cert)
		}
	})
}

// TestUploadedSignedPDFShowsItsSignatures: a PDF signed elsewhere shows as
// valid but untrusted until the body trusts its CA; one changed after
// signing is accepted and shown as not valid.
func TestUploadedSignedPDFShowsItsSignatures(t *testing.T) {
	apptest.ForEach(t, signingEnv, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		s := newSession(t, e)
		ca := padestest.NewCA(t, "CA Bộ Tài chính")
		leaf := padestest.Issue(t, ca, padestest.Leaf("Bộ trưởng Bộ Tài chính"))
		cred, err := pades.ParsePKCS12(padestest.P12(t, leaf.Key, leaf.Cert, []*x509.Certificate{ca.Cert}, "pw"), "pw", time.Now())
		if err != nil {
			t.Fatal(err)
		}
		var doc bytes.Buffer
		if err := report.WriteDocument(&doc, "Tờ trình Chính phủ", []string{"Nội dung tờ trình."}, 2, time.Now()); err != nil {
			t.Fatal(err)
		}
		signed, err := pades.Sign(doc.Bytes(), cred, pades.Mark{Name: "Bộ trưởng Bộ Tài chính"}, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		upload := func(title string, content []byte) *ecabinet.Document {
			var d ecabinet.Document
			if err := s.sec.Do(ctx, "POST", s.path("/documents"), ecabinet.DocumentInput{Title: title, Classification: ecabinet.ClassNone}, &d); err != nil {
				t.Fatal(err)
			}
			up, err := s.sec.UploadVersion(ctx, d.ID, "to-trinh.pdf", bytes.NewReader(content), int64(len(content)))
			if err != nil {
				t.Fatal(err)
			}
			return up
		}
		d := upload("Tờ trình đã ký", signed)
		if sg := d.Current.Signatures; len(sg) != 1 || !sg[0].Valid || sg[0].Trusted || sg[0].Modified || sg[0].Signer != "Bộ trưởng Bộ Tài chính" {
			t.Fatalf("untrusted: %+v", sg)
		}
		bad := upload("Tờ trình bị sửa", padestest.Tamper(t, signed))
		if sg := bad.Current.Signatures; len(sg) != 1 || sg[0].Valid || sg[0].Trusted {
			t.Fatalf("changed after signing: %+v", sg)
		}

		admin := e.Login(t, "admin")
		if err := admin.Do(ctx, "POST", "/api/v1/signing/cas", map[string]string{"certificate": base64.StdEncoding.EncodeToString(pades.EncodeCertificates(ca.Cert))}, nil); err != nil {
			t.Fatal(err)
		}
		var again ecabinet.Document
		if err := s.sec.Do(ctx, "GET", "/api/v1/documents/"+itoa(d.ID), nil, &again); err != nil {
			t.Fatal(err)
		}
		if sg := again.Current.Signatures; len(sg) != 1 || !sg[0].Trusted {
			t.Fatalf("trusted CA: %+v", sg)
		}
		if err := s.sec.Do(ctx, "GET", "/api/v1/documents/"+itoa(bad.ID), nil, &again); err != nil {
			t.Fatal(err)
		}
		if sg := again.Current.Signatures; sg[0].Trusted {
			t.Fatalf("a signature that does not verify is trusted: %+v", sg)
		}
		leafAsCA := base64.StdEncoding.EncodeToString(leaf.Cert.Raw)
		err = admin.Do(ctx, "POST", "/api/v1/signing/cas", map[string]string{"certificate": leafAsCA}, nil)
		if ae := apiError(t, err); ae.Status != 422 {
			t.Fatalf("a leaf as CA: %v", err)
		}
	})
}

// TestBallotReportSignedOnceClosed: the report of an open ballot cannot be
// signed; once closed, its named signer signs it and its recipients see it
// signed; the chair, a recipient not named for reports, is refused.
func TestBallotReportSignedOnceClosed(t *testing.T) {
	apptest.ForEach(t, signingEnv, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		m1, err := e.App.DB.ActorByUsername(ctx, "member01")
		if err != nil {
			t.Fatal(err)
		}
		pm, err := e.App.DB.ActorByUsername(ctx, "chair")
		if err != nil {
			t.Fatal(err)
		}
		ballots := store.NewBallotService(e.App.DB, store.NewNotifier(e.App.DB, false))
		sec := e.As(t, "secretary1")
		b, err := ballots.CreateBallot(sec, ecabinet.BallotInput{Title: "Phiếu lấy ý kiến về dự thảo Nghị định", Deadline: time.Now().Add(time.Hour),
			Questions: []string{"Đồng ý ban hành Nghị định?"}, Recipients: []int64{m1.MemberID, pm.MemberID}})
		if err != nil {
			t.Fatal(err)
		}
		if b, err = ballots.OpenBallot(sec, b.ID); err != nil {
			t.Fatal(err)
		}
		path := "/api/v1/ballots/" + itoa(b.ID) + "/issued/ballot_report"
		head, chair := e.Login(t, "secretary1"), e.Login(t, "chair")
		err = head.Do(ctx, "POST", path, ecabinet.Confirmation{Password: apptest.Password}, nil)
		if ae := apiError(t, err); ae.Status != 409 {
			t.Fatalf("signing the report of an open ballot: %v", err)
		}
		in := ecabinet.AnswerInput{Answers: []ecabinet.AnswerItem{{QuestionID: b.Questions[0].ID, Choice: ecabinet.OptionAgree}}}
		for _, who := range []ecabinet.Actor{m1, pm} {
			if _, err := ballots.Answer(e.As(t, who.Username), b.ID, who.MemberID, in, ""); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := ballots.CloseBallot(sec, b.ID); err != nil {
			t.Fatal(err)
		}
		err = chair.Do(ctx, "POST", path, ecabinet.Confirmation{Password: apptest.Password}, nil)
		if ae := apiError(t, err); ae.Status != 403 {
			t.Fatalf("the chair signs a report: %v", err)
		}
		if err := head.Do(ctx, "POST", path, ecabinet.Confirmation{Password: apptest.Password}, nil); err != nil {
			t.Fatal(err)
		}
		var issued ecabinet.IssuedDocument
		if err := e.Login(t, "member01").Do(ctx, "GET", path, nil, &issued); err != nil {
			t.Fatal(err)
		}
		if issued.Document == nil || issued.Document.BallotID != b.ID || len(issued.Document.Current.Signatures) != 1 {
			t.Fatalf("report: %+v", issued)
		}
		if sg := issued.Document.Current.Signatures[0]; !sg.Valid || !sg.Trusted || sg.Modified || sg.Signer != "Lê Thu Hà" {
			t.Fatalf("signature: %+v", sg)
		}
	})
}

// A closed session's minutes are signed by the body's named signers once
// published, not before; the signed document is the published version,
// and every invitee sees it signed.
func TestMinutesSignedOncePublished(t *testing.T) {
	apptest.ForEach(t, signingEnv, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		meetingID := closedWithNotice(t, e) // closing drafted the minutes
		base := "/api/v1/meetings/" + itoa(meetingID)
		path := base + "/issued/minutes"
		sec, chair, member := e.Login(t, "secretary1"), e.Login(t, "chair"), e.Login(t, "member01")
		err := sec.Do(ctx, "POST", path, ecabinet.Confirmation{Password: apptest.Password}, nil)
		if ae := apiError(t, err); ae.Status != 409 {
			t.Fatalf("signing draft minutes: %v", err)
		}
		var min ecabinet.Minutes
		if err := sec.Do(ctx, "POST", base+"/minutes/publish", nil, &min); err != nil || min.Status != ecabinet.MinutesPublished {
			t.Fatalf("publish: %+v %v", min, err)
		}
		err = member.Do(ctx, "POST", path, ecabinet.Confirmation{Password: apptest.Password}, nil)
		if ae := apiError(t, err); ae.Status != 403 {
			t.Fatalf("a member signs the minutes: %v", err)
		}
		for _, c := range []*client.Client{sec, chair} {
			if err := c.Do(ctx, "POST", path, ecabinet.Confirmation{Password: apptest.Password}, nil); err != nil {
				t.Fatal(err)
			}
		}
		var issued ecabinet.IssuedDocument
		if err := member.Do(ctx, "GET", path, nil, &issued); err != nil {
			t.Fatal(err)
		}
		if issued.Document == nil || issued.Document.MeetingID != meetingID || len(issued.Document.Current.Signatures) != 2 {
			t.Fatalf("minutes: %+v", issued)
		}
		for _, sg := range issued.Document.Current.Signatures {
			if !sg.Valid || !sg.Trusted || sg.Modified {
				t.Fatalf("signature: %+v", sg)
			}
		}
	})
}

// TestMinutesCorrectionIsSignedAnew: a published correction of signed
// minutes is what the next signature goes on, and its signers sign it
// again. Before, the chair's signature went on the old version's PDF and
// the secretary, who had signed that, could not sign the correction (409
// signing.already_signed).
func TestMinutesCorrectionIsSignedAnew(t *testing.T) {
	apptest.ForEach(t, signingEnv, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		meetingID := closedWithNotice(t, e)
		base := "/api/v1/meetings/" + itoa(meetingID)
		path := base + "/issued/minutes"
		sec, chair, member := e.Login(t, "secretary1"), e.Login(t, "chair"), e.Login(t, "member01")
		confirm := ecabinet.Confirmation{Password: apptest.Password}
		if err := sec.Do(ctx, "POST", base+"/minutes/publish", nil, nil); err != nil {
			t.Fatal(err)
		}
		if err := sec.Do(ctx, "POST", path, confirm, nil); err != nil {
			t.Fatal(err)
		}
		// A correction, published after the secretary signed version 1.
		if err := sec.Do(ctx, "PUT", base+"/minutes", ecabinet.MinutesInput{Text: "BIÊN BẢN ĐÃ ĐÍNH CHÍNH\nNội dung sửa lại."}, nil); err != nil {
			t.Fatal(err)
		}
		if err := sec.Do(ctx, "POST", base+"/minutes/publish", nil, nil); err != nil {
			t.Fatal(err)
		}
		var issued ecabinet.IssuedDocument
		if err := member.Do(ctx, "GET", path, nil, &issued); err != nil {
			t.Fatal(err)
		}
		if len(issued.SignedBy) != 0 {
			t.Fatalf("the correction shows as signed by %v before anyone signed it", issued.SignedBy)
		}
		if err := chair.Do(ctx, "POST", path, confirm, &issued); err != nil {
			t.Fatalf("the chair signs the correction: %v", err)
		}
		if err := sec.Do(ctx, "POST", path, confirm, &issued); err != nil {
			t.Fatalf("the secretary signs the correction: %v", err)
		}
		if len(issued.SignedBy) != 2 || issued.Document == nil || len(issued.Document.Current.Signatures) != 2 {
			t.Fatalf("signed correction: %+v", issued)
		}
		for _, sg := range issued.Document.Current.Signatures {
			if !sg.Valid || sg.Modified {
				t.Fatalf("signature: %+v", sg)
			}
		}
		// What they signed is the correction: its text is in the signed PDF.
		raw := func(path string) []byte {
			t.Helper()
			resp, err := sec.Send(ctx, "GET", path, nil, "", nil)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, err := io.ReadAll(resp.Body)
			if err != nil {
				t.Fatal(err)
			}
			return b
		}
		pdfv2 := raw(base + "/minutes.pdf?version=2")
		orig := raw("/api/v1/documents/" + itoa(issued.Document.ID) + "/versions/" + itoa(issued.Document.Current.ID) + "/original")
		if !bytes.HasPrefix(orig, pdfv2) {
			t.Fatal("the signatures are not on the published correction")
		}
	})
}
