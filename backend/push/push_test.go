package push_test

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ecabinet/ecabinet/backend/auth"
	"github.com/ecabinet/ecabinet/backend/ecabinet"
	"github.com/ecabinet/ecabinet/backend/notification"
	"github.com/ecabinet/ecabinet/backend/push"
	"github.com/ecabinet/ecabinet/backend/store"
	"github.com/ecabinet/ecabinet/backend/testenv"
)

// tablet is a browser's side of a subscription: its ECDH key pair and
// auth secret, with what the push service received for it.
type tablet struct {
	key    *ecdh.PrivateKey
	secret []byte
	mu     sync.Mutex
	got    []ecabinet.PushNotice
}

func newTablet(t *testing.T) *tablet {
	k, err := ecdh.P256().GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	secret := make([]byte, 16)
	_, _ = rand.Read(secret)
	return &tablet{key: k, secret: secret}
}

func (tb *tablet) subscription(endpoint, lang string) ecabinet.PushSubscriptionInput {
	var in ecabinet.PushSubscriptionInput
	in.Endpoint, in.Lang = endpoint, lang
	in.Keys.P256dh = base64.RawURLEncoding.EncodeToString(tb.key.PublicKey().Bytes())
	in.Keys.Auth = base64.RawURLEncoding.EncodeToString(tb.secret)
	return in
}

// decrypt reads an aes128gcm body (RFC 8188) encrypted for the tablet as
// RFC 8291 says: the keys come from ECDH with the sender's key in the
// header and the tablet's auth secret.
func (tb *tablet) decrypt(body []byte) ([]byte, error) {
	if len(body) < 21 {
		return nil, errors.New("short body")
	}
	salt, idlen := body[:16], int(body[20])
	rs := binary.BigEndian.Uint32(body[16:20])
	if len(body) < 21+idlen || idlen != 65 {
		return nil, errors.New("bad key id")
	}
	asPublic, ciphertext := body[21:21+idlen], body[21+idlen:]
	if uint32(len(ciphertext)) > rs {
		return nil, errors.New("more than one record")
	}
	pub, err := ecdh.P256().NewPublicKey(asPublic)
	if err != nil {
		return nil, err
	}
	shared, err := tb.key.ECDH(pub)
	if err != nil {
		return nil, err
	}
	prkKey, err := hkdf.Extract(sha256.New, shared, tb.secret)
	if err != nil {
		return nil, err
	}
	info := "WebPush: info\x00" + string(tb.key.PublicKey().Bytes()) + string(asPublic)
	ikm, err := hkdf.Expand(sha256.New, prkKey, info, 32)
	if err != nil {
		return nil, err
	}
	prk, err := hkdf.Extract(sha256.New, ikm, salt)
	if err != nil {
		return nil, err
	}
	cek, err := hkdf.Expand(sha256.New, prk, "Content-Encoding: aes128gcm\x00", 16)
	if err != nil {
		return nil, err
	}
	nonce, err := hkdf.Expand(sha256.New, prk, "Content-Encoding: nonce\x00", 12)
	if err != nil {
		return nil, err
	}
	block, err := aes.NewCipher(cek)
	if err != nil {
		return nil, err
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	plain, err := gcm.Open(nil, nonce, ciphertext, nil)
	if err != nil {
		return nil, err
	}
	// The last record ends with the delimiter 2, then padding zeros.
	plain = []byte(strings.TrimRight(string(plain), "\x00"))
	if len(plain) == 0 || plain[len(plain)-1] != 2 {
		return nil, errors.New("no last-record delimiter")
	}
	return plain[:len(plain)-1], nil
}

// checkVAPID verifies the Authorization header: a JWT signed (ES256) with
// the key it names, which must be the server's.
func checkVAPID(header, serverKey string) error {
	rest, ok := strings.CutPrefix(header, "vapid ")
	if !ok {
		return errors.New("no vapid scheme")
	}
	var token, k string
	for _, part := range strings.Split(rest, ",") {
		name, value, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch name {
		case "t":
			token = value
		case "k":
			k = value
		}
	}
	if k != serverKey {
		return errors.New("k is not the server's key")
	}
	raw, err := base64.RawURLEncoding.DecodeString(k)
	if err != nil {
		return err
	}
	x, y := elliptic.Unmarshal(elliptic.P256(), raw) //nolint:staticcheck // the uncompressed point of the header
	if x == nil {
		return errors.New("bad key")
	}
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return errors.New("not a JWT")
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil || len(sig) != 64 {
		return errors.New("bad signature encoding")
	}
	digest := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if !ecdsa.Verify(&ecdsa.PublicKey{Curve: elliptic.P256(), X: x, Y: y}, digest[:], new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:])) {
		return errors.New("signature does not verify")
	}
	return nil
}

// pushService is a local push service: /t/{name} delivers to a tablet,
// /gone answers 410 as a service does for an expired subscription.
func pushService(t *testing.T, serverKey *string, tablets map[string]*tablet) *httptest.Server {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/gone" {
			w.WriteHeader(http.StatusGone)
			return
		}
		tb := tablets[strings.TrimPrefix(r.URL.Path, "/t/")]
		body, _ := io.ReadAll(r.Body)
		if tb == nil || r.Header.Get("Content-Encoding") != "aes128gcm" || r.Header.Get("TTL") == "" {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		if err := checkVAPID(r.Header.Get("Authorization"), *serverKey); err != nil {
			t.Errorf("VAPID: %v", err)
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		plain, err := tb.decrypt(body)
		if err != nil {
			t.Errorf("decrypting the payload: %v", err)
			http.Error(w, "bad payload", http.StatusBadRequest)
			return
		}
		var n ecabinet.PushNotice
		if err := json.Unmarshal(plain, &n); err != nil {
			t.Errorf("payload %q: %v", plain, err)
		}
		tb.mu.Lock()
		tb.got = append(tb.got, n)
		tb.mu.Unlock()
		w.WriteHeader(http.StatusCreated)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func openStore(t *testing.T, dialect string) *store.DB {
	cfg := store.Config{DataDir: t.TempDir()}
	if dialect == store.Postgres {
		cfg = store.Config{URL: testenv.Postgres(t)}
	}
	db, err := store.Open(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	if err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return db
}

// withBody runs fn on a fresh, migrated database of each dialect with one
// body in it.
func withBody(t *testing.T, fn func(t *testing.T, db *store.DB, body *ecabinet.Body)) {
	for _, dialect := range []string{store.SQLite, store.Postgres} {
		t.Run(dialect, func(t *testing.T) {
			db := openStore(t, dialect)
			body, err := db.CreateBody(context.Background(), testenv.RandomName("body"), "Chính phủ", ecabinet.DefaultBodySettings())
			if err != nil {
				t.Fatal(err)
			}
			fn(t, db, body)
		})
	}
}

func member(t *testing.T, db *store.DB, bodyID int64, role ecabinet.Role, voting bool) context.Context {
	m, err := db.CreateMember(context.Background(), auth.NewHasher(2), bodyID, ecabinet.MemberInput{Username: testenv.RandomName(string(role)),
		Password: "correct horse battery", FullName: "Người " + string(role), Role: role, Clearance: ecabinet.ClassNone, Voting: voting, Active: true})
	if err != nil {
		t.Fatal(err)
	}
	return ecabinet.NewContextWithActor(context.Background(), ecabinet.Actor{MemberID: m.ID, BodyID: bodyID, Username: m.Username,
		FullName: m.FullName, Role: role, Clearance: m.Clearance, Voting: voting})
}

// TestPushNotices: a member's tablets get the notice of a published
// session, encrypted for each, in each subscription's language, signed with
// the server's VAPID key; a subscription the push service says is gone is
// removed; a member without a subscription queues nothing to push.
func TestPushNotices(t *testing.T) {
	withBody(t, func(t *testing.T, db *store.DB, body *ecabinet.Body) {
		ctx := context.Background()
		sec := member(t, db, body.ID, ecabinet.RoleSecretary, false)
		minister := member(t, db, body.ID, ecabinet.RoleMember, true)
		chair := member(t, db, body.ID, ecabinet.RoleChair, true)

		var serverKey string
		vi, en := newTablet(t), newTablet(t)
		srv := pushService(t, &serverKey, map[string]*tablet{"vi": vi, "en": en})
		pushes := store.NewPushStore(db, push.GenerateKeys)
		public, private, err := pushes.VAPIDKeys(ctx)
		if err != nil {
			t.Fatal(err)
		}
		serverKey = public
		if again, err := pushes.VAPIDPublicKey(ctx); err != nil || again != public {
			t.Fatalf("the key pair is kept: %q %v", again, err)
		}

		bad := vi.subscription("http://push.example/t/vi", "vi")
		if err := pushes.Subscribe(minister, bad); ecabinet.AsError(err).Field != "endpoint" {
			t.Fatalf("a plain http endpoint: %v", err)
		}
		for _, sub := range []ecabinet.PushSubscriptionInput{vi.subscription(srv.URL+"/t/vi", "vi"), en.subscription(srv.URL+"/t/en", "en-GB"),
			newTablet(t).subscription(srv.URL+"/gone", "vi")} {
			if err := pushes.Subscribe(minister, sub); err != nil {
				t.Fatal(err)
			}
		}

		meetings := store.NewMeetingService(db).Notifying(store.NewNotifier(db, false))
		start := time.Now().Add(72 * time.Hour).UTC().Truncate(time.Second)
		m, err := meetings.CreateMeeting(sec, ecabinet.MeetingInput{Kind: ecabinet.KindRegular, Title: "Phiên họp thường kỳ tháng 12",
			ScheduledStart: start, ScheduledEnd: start.Add(4 * time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := meetings.Transition(sec, m.ID, ecabinet.ActionPublish, nil); err != nil {
			t.Fatal(err)
		}

		sender := push.NewSender(public, private, "e-cabinet@localhost", srv.Client())
		var failures []error
		sent, err := db.Notices().SendPush(ctx, 50, func(job notification.PushJob) string {
			outcome, err := sender.Send(ctx, job)
			if err != nil {
				failures = append(failures, err)
			}
			return outcome
		})
		if err != nil || len(failures) > 0 {
			t.Fatalf("SendPush: %v %v", err, failures)
		}
		// The minister's notice was pushed; the chair has no tablet subscribed.
		if sent != 1 {
			t.Fatalf("sent %d notifications, want 1", sent)
		}
		want := map[*tablet]ecabinet.PushNotice{
			vi: {Title: "Giấy mời họp", Body: "Đồng chí được mời dự phiên họp: Phiên họp thường kỳ tháng 12", Kind: ecabinet.EventMeetingPublished},
			en: {Title: "Meeting invitation", Body: "You are invited to the session: Phiên họp thường kỳ tháng 12", Kind: ecabinet.EventMeetingPublished},
		}
		for tb, w := range want {
			w.Ref = "meeting:" + itoa(m.ID)
			if len(tb.got) != 1 || tb.got[0] != w {
				t.Fatalf("tablet received %+v, want %+v", tb.got, w)
			}
		}
		// Nothing is pushed twice; the gone subscription was removed, so a
		// second notice reaches the two tablets only.
		if n, err := db.Notices().SendPush(ctx, 50, func(notification.PushJob) string { return notification.PushSent }); err != nil || n != 0 {
			t.Fatalf("second run pushed %d, %v", n, err)
		}
		if err := pushes.Unsubscribe(chair, srv.URL+"/t/vi"); ecabinet.ErrorCode(err) != ecabinet.ENOTFOUND {
			t.Fatalf("another member's subscription: %v", err)
		}
		if _, err := meetings.Transition(sec, m.ID, ecabinet.ActionClose, nil); err != nil {
			t.Fatal(err)
		}
		positions := store.NewPositionService(db, store.NewNotifier(db, false))
		m2, err := meetings.CreateMeeting(sec, ecabinet.MeetingInput{Kind: ecabinet.KindRegular, Title: "Phiên họp chuyên đề",
			ScheduledStart: start, ScheduledEnd: start.Add(4 * time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		items, err := meetings.AddItem(sec, m2.ID, ecabinet.AgendaItemInput{Title: "Dự án Luật", PlannedMinutes: 30})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := meetings.Transition(sec, m2.ID, ecabinet.ActionPublish, nil); err != nil {
			t.Fatal(err)
		}
		if _, err := positions.AskPositions(sec, m2.ID, ecabinet.PositionsSettings{Items: []int64{items[0].ID}}); err != nil {
			t.Fatal(err)
		}
		var endpoints []string
		if _, err := db.Notices().SendPush(ctx, 50, func(job notification.PushJob) string {
			endpoints = append(endpoints, job.Endpoint+" "+job.Notice.Kind)
			return notification.PushSent
		}); err != nil {
			t.Fatal(err)
		}
		wantJobs := []string{srv.URL + "/t/vi meeting.published", srv.URL + "/t/en meeting.published", srv.URL + "/t/vi positions.asked", srv.URL + "/t/en positions.asked"}
		if strings.Join(endpoints, "|") != strings.Join(wantJobs, "|") {
			t.Fatalf("pushed %v, want %v", endpoints, wantJobs)
		}
	})
}

func itoa(n int64) string { return big.NewInt(n).String() }

// TestSendingHoldsNoLock: while a mail server or a push service keeps the
// sender waiting, the rest of the server writes as usual (on SQLite a
// transaction held across the send would hold the one write lock), and a
// second sender does not take what the first is sending.
func TestSendingHoldsNoLock(t *testing.T) {
	withBody(t, func(t *testing.T, db *store.DB, body *ecabinet.Body) {
		ctx := context.Background()
		sec := member(t, db, body.ID, ecabinet.RoleSecretary, false)
		m, err := db.CreateMember(ctx, auth.NewHasher(2), body.ID, ecabinet.MemberInput{Username: testenv.RandomName("minister"),
			Password: "correct horse battery", FullName: "Bộ trưởng", Email: "bo.truong@example.gov.vn", Role: ecabinet.RoleMember,
			Clearance: ecabinet.ClassNone, Voting: true, Active: true})
		if err != nil {
			t.Fatal(err)
		}
		minister := ecabinet.NewContextWithActor(ctx, ecabinet.Actor{MemberID: m.ID, BodyID: body.ID, Username: m.Username, Role: ecabinet.RoleMember, Voting: true})
		if err := store.NewPushStore(db, push.GenerateKeys).Subscribe(minister, newTablet(t).subscription("https://push.example/t/1", "vi")); err != nil {
			t.Fatal(err)
		}
		meetings := store.NewMeetingService(db).Notifying(store.NewNotifier(db, true))
		start := time.Now().Add(72 * time.Hour).UTC().Truncate(time.Second)
		input := ecabinet.MeetingInput{Kind: ecabinet.KindRegular, Title: "Phiên họp thường kỳ", ScheduledStart: start, ScheduledEnd: start.Add(4 * time.Hour)}
		meeting, err := meetings.CreateMeeting(sec, input)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := meetings.Transition(sec, meeting.ID, ecabinet.ActionPublish, nil); err != nil {
			t.Fatal(err)
		}

		for _, queue := range []struct {
			name string
			send func(wait func()) (int, error)
		}{
			{"e-mail", func(wait func()) (int, error) {
				return db.Notices().SendMail(ctx, 50, func(notification.Email) error { wait(); return nil })
			}},
			{"push", func(wait func()) (int, error) {
				return db.Notices().SendPush(ctx, 50, func(notification.PushJob) string { wait(); return notification.PushSent })
			}},
		} {
			entered, release := make(chan struct{}), make(chan struct{})
			done := make(chan error, 1)
			go func() {
				n, err := queue.send(func() { close(entered); <-release })
				if err == nil && n != 1 {
					err = fmt.Errorf("sent %d, want 1", n)
				}
				done <- err
			}()
			<-entered
			wctx, cancel := context.WithTimeout(sec, 3*time.Second)
			_, err := meetings.CreateMeeting(wctx, input)
			cancel()
			if err != nil {
				close(release)
				t.Fatalf("%s: a write while a notice is being sent: %v", queue.name, err)
			}
			if n, err := queue.send(func() { t.Errorf("%s: a second sender took the notice being sent", queue.name) }); err != nil || n != 0 {
				close(release)
				t.Fatalf("%s: second sender: %d, %v", queue.name, n, err)
			}
			close(release)
			if err := <-done; err != nil {
				t.Fatalf("%s: %v", queue.name, err)
			}
			// Sent once: nothing waits any more.
			if n, err := queue.send(func() {}); err != nil || n != 0 {
				t.Fatalf("%s: after sending: %d, %v", queue.name, n, err)
			}
		}
	})
}

// TestSenderPostsToPublicAddressesOnly: a subscription is what a member
// sent, so the server's own sender (no client given) does not open a
// connection to an address of its own network, by address or by name, and
// says why; a public address passes the check.
func TestSenderPostsToPublicAddressesOnly(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var accepted atomic.Int32
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			accepted.Add(1)
			_ = c.Close()
		}
	}()
	t.Cleanup(func() { _ = ln.Close() })
	port := ln.Addr().(*net.TCPAddr).Port
	public, private, err := push.GenerateKeys()
	if err != nil {
		t.Fatal(err)
	}
	sender := push.NewSender(public, private, "e-cabinet@localhost", nil)
	sub := newTablet(t).subscription("", "vi")
	for _, endpoint := range []string{fmt.Sprintf("https://127.0.0.1:%d/t/1", port), fmt.Sprintf("https://localhost:%d/t/1", port),
		fmt.Sprintf("https://[::ffff:127.0.0.1]:%d/t/1", port), "https://10.1.2.3/t/1", "https://169.254.169.254/latest"} {
		outcome, err := sender.Send(context.Background(), notification.PushJob{Endpoint: endpoint, P256dh: sub.Keys.P256dh, Auth: sub.Keys.Auth,
			Notice: ecabinet.NewPushNotice("vi", ecabinet.EventMeetingPublished, "Phiên họp", "meeting:1")})
		if outcome != notification.PushFailed || err == nil || !strings.Contains(err.Error(), "not a public address") {
			t.Errorf("%s: %s, %v", endpoint, outcome, err)
		}
	}
	if n := accepted.Load(); n != 0 {
		t.Fatalf("the sender opened %d connections to the server's own network", n)
	}
}

// TestClaimOfASenderThatDiedRunsOut: a sender that stops between claiming a
// notice and recording what became of it (its instance killed, its context
// ended) leaves the notice claimed; no other sender takes it while the
// claim runs, and the next one after takes it and sends it.
func TestClaimOfASenderThatDiedRunsOut(t *testing.T) {
	withBody(t, func(t *testing.T, db *store.DB, body *ecabinet.Body) {
		sec := member(t, db, body.ID, ecabinet.RoleSecretary, false)
		minister := member(t, db, body.ID, ecabinet.RoleMember, true)
		if err := store.NewPushStore(db, push.GenerateKeys).Subscribe(minister, newTablet(t).subscription("https://push.example/t/1", "vi")); err != nil {
			t.Fatal(err)
		}
		meetings := store.NewMeetingService(db).Notifying(store.NewNotifier(db, false))
		start := time.Now().Add(72 * time.Hour).UTC().Truncate(time.Second)
		m, err := meetings.CreateMeeting(sec, ecabinet.MeetingInput{Kind: ecabinet.KindRegular, Title: "Phiên họp thường kỳ", ScheduledStart: start, ScheduledEnd: start.Add(4 * time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := meetings.Transition(sec, m.ID, ecabinet.ActionPublish, nil); err != nil {
			t.Fatal(err)
		}
		ctx, die := context.WithCancel(context.Background())
		if _, err := db.Notices().SendPush(ctx, 50, func(notification.PushJob) string { die(); return notification.PushSent }); err == nil {
			t.Fatal("a sender whose context ended while sending recorded its outcome")
		}
		took := func() int {
			n := 0
			if _, err := db.Notices().SendPush(context.Background(), 50, func(notification.PushJob) string { n++; return notification.PushSent }); err != nil {
				t.Fatal(err)
			}
			return n
		}
		if n := took(); n != 0 {
			t.Fatalf("another sender took a notice still claimed: %d", n)
		}
		later := time.Now().Add(16 * time.Minute)
		db.Now = func() time.Time { return later }
		if n := took(); n != 1 {
			t.Fatalf("after the claim ran out, %d notices sent, want 1", n)
		}
		if n := took(); n != 0 {
			t.Fatalf("sent again: %d", n)
		}
	})
}
