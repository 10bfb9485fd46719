package ecabinet_test

import (
	"strings"
	"testing"
	"time"

	"github.com/ecabinet/ecabinet/backend/ecabinet"
)

func TestPositionInput(t *testing.T) {
	for _, c := range []struct {
		in    ecabinet.PositionInput
		field string
	}{
		{ecabinet.PositionInput{Stance: ecabinet.StanceNoObjection}, ""},
		{ecabinet.PositionInput{Stance: ecabinet.StanceSpeak, Reason: "Làm rõ nguồn vốn"}, ""},
		{ecabinet.PositionInput{Stance: ecabinet.StanceObject, Reason: "  Chưa đủ căn cứ  "}, ""},
		{ecabinet.PositionInput{Stance: ecabinet.StanceObject, Reason: "   "}, "reason"},
		{ecabinet.PositionInput{Stance: "abstain"}, "stance"},
		{ecabinet.PositionInput{Stance: ecabinet.StanceObject, Reason: strings.Repeat("ý", 1001)}, "reason"},
	} {
		err := c.in.Validate()
		if got := ecabinet.AsError(err).Field; (err == nil) != (c.field == "") || (err != nil && got != c.field) {
			t.Errorf("%+v: %v, want field %q", c.in, err, c.field)
		}
	}
}

func TestDefaultCutoff(t *testing.T) {
	hanoi := ecabinet.DefaultBodySettings().Location()
	// 8:00 on 3 December in Hanoi (1:00 UTC): 18:00 on the 2nd in Hanoi.
	got := ecabinet.DefaultCutoff(time.Date(2026, 12, 3, 1, 0, 0, 0, time.UTC), hanoi)
	if want := time.Date(2026, 12, 2, 11, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Fatalf("cut-off %v, want %v", got, want)
	}
	// A session on the 1st of a month: the evening of the last day before.
	got = ecabinet.DefaultCutoff(time.Date(2027, 3, 1, 2, 0, 0, 0, time.UTC), hanoi)
	if want := time.Date(2027, 2, 28, 11, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Fatalf("cut-off %v, want %v", got, want)
	}
}

func TestConsentable(t *testing.T) {
	var c ecabinet.StanceCounts
	if c.Consentable() {
		t.Fatal("an item nobody gave a position on is not decided without discussion")
	}
	c.Add(ecabinet.StanceNoObjection)
	c.Add(ecabinet.StanceNoObjection)
	if !c.Consentable() {
		t.Fatal("all no objection")
	}
	c.Add(ecabinet.StanceSpeak)
	if c.Consentable() {
		t.Fatal("a wish to speak keeps the item in discussion")
	}
}

func TestConsentBlockInTheTimeLedger(t *testing.T) {
	at := func(m int) *time.Time { x := time.Date(2026, 12, 3, 1, m, 0, 0, time.UTC); return &x }
	s := ecabinet.SessionFact{Status: ecabinet.MeetingClosed, ScheduledStart: *at(0), ScheduledEnd: at(0).Add(4 * time.Hour), StartedAt: at(0), EndedAt: at(40)}
	items := []ecabinet.ItemFact{
		{ID: 1, Status: ecabinet.ItemDone, PlannedMinutes: 30, StartedAt: at(1), EndedAt: at(1), Consent: true},
		{ID: 2, Status: ecabinet.ItemDone, PlannedMinutes: 15, StartedAt: at(1), EndedAt: at(1), Consent: true},
		{ID: 3, Status: ecabinet.ItemDone, PlannedMinutes: 45, StartedAt: at(1), EndedAt: at(37)},
	}
	tl := ecabinet.MeetingTime(s, items, 30)
	f := tl.Totals
	// Discussed: 45 planned, 36 actual. The block: 45 minutes saved of 90 planned.
	if f.Items != 1 || f.PlannedMinutes != 45 || f.ActualMinutes != 36 || f.ConsentItems != 2 || f.ConsentSavedMinutes != 45 || f.ConsentSavingPc != 50 {
		t.Fatalf("figures %+v", f)
	}
	if !tl.Items[0].Consent || tl.Items[0].Counted || tl.Items[2].Consent {
		t.Fatalf("items %+v", tl.Items)
	}
	total, _ := ecabinet.Summarize([]ecabinet.LedgerSource{{Kind: "meeting", ID: 1, Period: "2026-12", Time: &tl}, {Kind: "meeting", ID: 2, Period: "2026-12", Time: &tl}}, 30)
	if got := total.Time; got.ConsentItems != 4 || got.ConsentSavedMinutes != 90 || got.ConsentSavingPc != 50 {
		t.Fatalf("period figures %+v", got)
	}
}

func TestDraftMinutesText(t *testing.T) {
	hanoi := ecabinet.DefaultBodySettings().Location()
	start := time.Date(2026, 12, 3, 1, 0, 0, 0, time.UTC)
	end := start.Add(2 * time.Hour)
	taken := start.Add(2 * time.Minute)
	r := &ecabinet.MinutesRecord{Title: "Phiên họp thường kỳ tháng 12", Place: "Trụ sở Chính phủ", ScheduledStart: start, StartedAt: &start, EndedAt: &end,
		Chair: "Thủ tướng", ConsentTakenAt: &taken,
		Attendance: []ecabinet.MinutesAttendee{{Name: "Bộ trưởng A", Status: ecabinet.AttendancePresent},
			{Name: "Bộ trưởng B", Status: ecabinet.AttendanceDeputy, AbsenceReason: "Công tác nước ngoài", Deputy: "Thứ trưởng C, Thứ trưởng"}},
		Quorums: []ecabinet.MinutesQuorum{{Action: ecabinet.ActionStart, At: start, Present: 20, Required: 18, Reached: true}},
		Items: []ecabinet.MinutesItem{
			{Position: 1, Title: "Nghị định X", PlannedMinutes: 20, Status: ecabinet.ItemDone, Consent: ecabinet.ConsentDecided},
			{Position: 2, Title: "Luật Y", Presenter: "Bộ Tư pháp", PlannedMinutes: 40, Status: ecabinet.ItemDone, StartedAt: &start, EndedAt: &end,
				Positions: []ecabinet.MinutesPosition{{Name: "Bộ trưởng A", Stance: ecabinet.StanceObject, Reason: "Chưa đủ căn cứ"}},
				Votes: []ecabinet.MinutesVote{{Question: "Thông qua?", Secret: true, Entitled: 20, Result: &ecabinet.Tally{Outcome: ecabinet.OutcomePassed,
					Counts: []ecabinet.OptionCount{{Key: "agree", Label: "Tán thành", Count: 15}}}}}},
		},
	}
	text := ecabinet.DraftMinutesText(r, hanoi)
	for _, want := range []string{"Khai mạc lúc 08:00 03/12/2026: 20 thành viên có mặt, cần 18 (đủ",
		"- Bộ trưởng B: vắng mặt, cử người dự thay (lý do: Công tác nước ngoài); người dự thay: Thứ trưởng C, Thứ trưởng.",
		"Lúc 08:02, chủ tọa đề nghị thông qua 1 nội dung", "- 1. Nghị định X (dự kiến 20 phút).",
		"2. Luật Y\nTrình bày: Bộ Tư pháp.", "- Bộ trưởng A: phản đối (Chưa đủ căn cứ).", "Biểu quyết (kín): Thông qua?", "Kết quả: Tán thành 15; thông qua."} {
		if !strings.Contains(text, want) {
			t.Errorf("the draft lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "\n1. Nghị định X") {
		t.Error("an item of the consent block is not repeated among the items discussed")
	}
	if ecabinet.DraftMinutesText(r, hanoi) != text {
		t.Error("the same record gave another text")
	}

	// Where the body does not show who gave which position, neither do the
	// minutes every invitee reads: counts, and the reasons without names.
	r.PositionNamesHidden = true
	r.Items[1].Positions = append(r.Items[1].Positions, ecabinet.MinutesPosition{Name: "Bộ trưởng D", Stance: ecabinet.StanceNoObjection},
		ecabinet.MinutesPosition{Name: "Bộ trưởng E", Stance: ecabinet.StanceObject, Reason: "Cần lấy thêm ý kiến địa phương"})
	hidden := ecabinet.DraftMinutesText(r, hanoi)
	for _, want := range []string{"Ý kiến trước phiên họp:\n- không có ý kiến 1; phản đối 2.\n", "- Lý do phản đối: Chưa đủ căn cứ.\n",
		"- Lý do phản đối: Cần lấy thêm ý kiến địa phương.\n"} {
		if !strings.Contains(hidden, want) {
			t.Errorf("the draft lacks %q:\n%s", want, hidden)
		}
	}
	for _, never := range []string{"Bộ trưởng A: phản đối", "Bộ trưởng D", "Bộ trưởng E"} {
		if strings.Contains(hidden, never) {
			t.Errorf("positions are anonymous, yet the draft says %q", never)
		}
	}
}

func TestPushSubscriptionInput(t *testing.T) {
	valid := func() ecabinet.PushSubscriptionInput {
		var in ecabinet.PushSubscriptionInput
		in.Endpoint = "https://fcm.googleapis.com/fcm/send/abc"
		in.Keys.P256dh = "BA" + strings.Repeat("A", 85) // 65 bytes, starting with 4
		in.Keys.Auth = strings.Repeat("A", 22)          // 16 bytes
		return in
	}
	in := valid()
	if err := in.Validate(); err != nil || in.Lang != "vi" {
		t.Fatalf("valid: %v, lang %q", err, in.Lang)
	}
	for field, change := range map[string]func(*ecabinet.PushSubscriptionInput){
		"endpoint":    func(in *ecabinet.PushSubscriptionInput) { in.Endpoint = "http://push.example/x" },
		"keys.p256dh": func(in *ecabinet.PushSubscriptionInput) { in.Keys.P256dh = "AAAA" },
		"keys.auth":   func(in *ecabinet.PushSubscriptionInput) { in.Keys.Auth = "not base64!" },
		"lang":        func(in *ecabinet.PushSubscriptionInput) { in.Lang = "fr" },
	} {
		in := valid()
		change(&in)
		if got := ecabinet.AsError(in.Validate()).Field; got != field {
			t.Errorf("%s: refused on %q", field, got)
		}
	}
	en := ecabinet.NewPushNotice("en-US", ecabinet.EventBallotOpened, "Phiếu về Nghị định", "ballot:3")
	if en.Title != "New written ballot" || en.Body != "Please answer the ballot: Phiếu về Nghị định" || en.Ref != "ballot:3" {
		t.Fatalf("notice %+v", en)
	}
}

// TestEveryNoticeIsWritten: each kind of notification pushed has its title
// and text in both languages.
func TestEveryNoticeIsWritten(t *testing.T) {
	for _, kind := range []string{ecabinet.EventMeetingPublished, ecabinet.EventPositionsAsked, ecabinet.EventPositionReminder,
		ecabinet.EventBallotOpened, ecabinet.EventBallotReminder, ecabinet.EventTaskReminder} {
		for _, lang := range []string{"vi", "en"} {
			n := ecabinet.NewPushNotice(lang, kind, "Chủ đề", "x:1")
			if n.Title == ecabinet.Translate(lang, "internal") || !strings.Contains(n.Body, "Chủ đề") {
				t.Errorf("%s in %s: %+v", kind, lang, n)
			}
		}
	}
}
