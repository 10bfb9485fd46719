package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ecabinet/ecabinet/backend/auth"
	"github.com/ecabinet/ecabinet/backend/demo"
	"github.com/ecabinet/ecabinet/backend/ecabinet"
	"github.com/ecabinet/ecabinet/backend/store"
)

// The offline check finds every signature good, then catches an answer
// changed in the database behind the application's back.
func TestBallotVerify(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	db, err := store.Open(ctx, store.Config{DataDir: dir, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := demo.Seed(ctx, db, auth.NewHasher(1), "a long demo password", log); err != nil {
		t.Fatal(err)
	}
	as := func(u string) context.Context {
		a, err := db.ActorByUsername(ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		return ecabinet.NewContextWithActor(ctx, a)
	}
	ballots := store.NewBallotService(db, store.NewNotifier(db, false))
	b, err := ballots.CreateBallot(as("secretary1"), ecabinet.BallotInput{Title: "Phiếu ký số", Deadline: time.Now().Add(time.Hour), Questions: []string{"Câu 1", "Câu 2"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ballots.OpenBallot(as("secretary1"), b.ID); err != nil {
		t.Fatal(err)
	}
	pub, priv, _ := ed25519.GenerateKey(rand.Reader)
	der, _ := x509.MarshalPKIXPublicKey(pub)
	m := as("member03")
	dev, err := store.NewDeviceService(db).RegisterDevice(m, ecabinet.DeviceInput{Name: "iPad", Algorithm: "Ed25519", PublicKey: base64.StdEncoding.EncodeToString(der)})
	if err != nil {
		t.Fatal(err)
	}
	actor, _ := ecabinet.ActorFromContext(m)
	in := ecabinet.AnswerInput{DeviceID: dev.ID, Answers: []ecabinet.AnswerItem{
		{QuestionID: b.Questions[0].ID, Choice: "agree"}, {QuestionID: b.Questions[1].ID, Choice: "other", Comment: "Bổ sung đánh giá tác động"}}}
	in.Signature = base64.StdEncoding.EncodeToString(ed25519.Sign(priv, ecabinet.SignedAnswerMessage(b.ID, actor.MemberID, in.Answers)))
	if _, err := ballots.Answer(m, b.ID, actor.MemberID, in, ""); err != nil {
		t.Fatal(err)
	}
	env := func(k string) string {
		if k == "ECABINET_DATA_DIR" {
			return dir
		}
		return ""
	}
	var out bytes.Buffer
	if err := run([]string{"ballot-verify", strconv.FormatInt(b.ID, 10)}, env, nil, &out, &bytes.Buffer{}); err != nil {
		t.Fatalf("verify: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "1 signed answers checked, 0 failed") {
		t.Fatalf("output:\n%s", out.String())
	}
	// Someone edits an answer directly in the database.
	if _, err := db.SQL().ExecContext(ctx, "UPDATE ballot_answers SET choice = 'agree', comment = '' WHERE question_id = ?", b.Questions[1].ID); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	err = run([]string{"ballot-verify", strconv.FormatInt(b.ID, 10)}, env, nil, &out, &bytes.Buffer{})
	if err == nil || !strings.Contains(out.String(), "differs from what was signed") {
		t.Fatalf("tampering not caught: %v\n%s", err, out.String())
	}
}
