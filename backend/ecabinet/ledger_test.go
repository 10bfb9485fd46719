package ecabinet_test

import (
	"slices"
	"testing"
	"time"

	"github.com/ecabinet/ecabinet/backend/ecabinet"
)

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func ptr[T any](v T) *T { return &v }

// ledgerFacts is a session worked out by hand: six invitees (two without
// clearance, one of them a guest; one confidential, one secret, two top
// secret), published on 10 March at 08:00.
func ledgerFacts() *ecabinet.MeetingFacts {
	pub := at("2026-03-10T08:00:00Z")
	return &ecabinet.MeetingFacts{
		MeetingID:   7,
		PublishedAt: &pub,
		Readers: ecabinet.Readers{ecabinet.ClassNone: 2, ecabinet.ClassConfidential: 1,
			ecabinet.ClassSecret: 1, ecabinet.ClassTopSecret: 2},
		Versions: []ecabinet.VersionFact{
			// Replaced the day before publication: never distributed.
			{DocumentID: 1, Title: "Báo cáo", Classification: ecabinet.ClassNone, VersionID: 11, Version: 1, Pages: 12,
				UploadedAt: at("2026-03-08T08:00:00Z"), ReplacedAt: ptr(at("2026-03-09T08:00:00Z"))},
			// Current at publication, replaced the day after: distributed.
			{DocumentID: 1, Title: "Báo cáo", Classification: ecabinet.ClassNone, VersionID: 12, Version: 2, Pages: 13,
				UploadedAt: at("2026-03-09T08:00:00Z"), ReplacedAt: ptr(at("2026-03-11T08:00:00Z"))},
			// Uploaded after publication: distributed at upload.
			{DocumentID: 1, Title: "Báo cáo", Classification: ecabinet.ClassNone, VersionID: 13, Version: 3, Pages: 14,
				UploadedAt: at("2026-03-11T08:00:00Z")},
			// Confidential, electronic in this body: only the four cleared invitees.
			{DocumentID: 2, Title: "Đề án", Classification: ecabinet.ClassConfidential, VersionID: 21, Version: 1, Pages: 30,
				UploadedAt: at("2026-03-07T08:00:00Z")},
		},
		Placeholders: []ecabinet.PlaceholderFact{
			{DocumentID: 3, Title: "Tuyệt mật", Classification: ecabinet.ClassTopSecret, PaperPages: 21, PaperCopies: 2},
		},
	}
}

// govSettings are the default settings: 5 reserve copies, duplex, 1,500 VND
// a page, 5 g a sheet, 2-page ballot forms.
func govSettings() ecabinet.LedgerSettings { return ecabinet.DefaultBodySettings().Ledger() }

func TestMeetingPaperByHand(t *testing.T) {
	lines, fig := ecabinet.MeetingPaper(ledgerFacts(), govSettings())
	type want struct {
		reason             string
		counted            bool
		recipients, copies int
		pages, sheets      int64
	}
	wants := []want{
		{ecabinet.ReasonReplacedBeforePub, false, 0, 0, 0, 0},
		{ecabinet.ReasonDistributed, true, 6, 11, 13 * 11, 7 * 11}, // 6 invitees + 5 reserve; 13 pages duplex = 7 sheets a copy
		{ecabinet.ReasonDistributed, true, 6, 11, 14 * 11, 7 * 11}, // the replacement counts too
		{ecabinet.ReasonDistributed, true, 4, 9, 30 * 9, 15 * 9},   // 4 cleared + 5 reserve
		{ecabinet.ReasonPaperCopies, true, 2, 2, 21 * 2, 11 * 2},   // paper copies made, no reserve
	}
	if len(lines) != len(wants) {
		t.Fatalf("%d lines, want %d: %+v", len(lines), len(wants), lines)
	}
	for i, w := range wants {
		l := lines[i]
		if l.Reason != w.reason || l.Counted != w.counted || l.Recipients != w.recipients || l.Copies != w.copies ||
			l.TotalPages != w.pages || l.Sheets != w.sheets || l.CostVND != w.pages*1500 || l.WeightMg != w.sheets*5000 {
			t.Errorf("line %d = %+v, want %+v", i, l, w)
		}
	}
	if lines[1].DistributedAt == nil || !lines[1].DistributedAt.Equal(at("2026-03-10T08:00:00Z")) ||
		lines[2].DistributedAt == nil || !lines[2].DistributedAt.Equal(at("2026-03-11T08:00:00Z")) {
		t.Errorf("distribution times: %v, %v", lines[1].DistributedAt, lines[2].DistributedAt)
	}
	if lines[3].Reserve != 5 || lines[4].Reserve != 0 || lines[4].Electronic {
		t.Errorf("reserve and kind: %+v %+v", lines[3], lines[4])
	}
	// 143 + 154 + 270 = 567 pages avoided on 77 + 77 + 135 = 289 sheets;
	// 42 printed on 22 sheets; 567 / 609 = 93.10…%.
	wantFig := ecabinet.PaperFigures{PagesAvoided: 567, SheetsAvoided: 289, CostAvoidedVND: 850_500, WeightAvoidedMg: 1_445_000,
		PagesPrinted: 42, SheetsPrinted: 22, CostPrintedVND: 63_000, WeightPrintedMg: 110_000, ElectronicSharePc: 93.1}
	if fig != wantFig {
		t.Fatalf("figures %+v\nwant    %+v", fig, wantFig)
	}

	// Simplex: a sheet per page. More reserve copies: more avoided.
	s := govSettings()
	s.Duplex, s.ReserveCopies = false, 0
	_, fig = ecabinet.MeetingPaper(ledgerFacts(), s)
	if fig.PagesAvoided != 13*6+14*6+30*4 || fig.SheetsAvoided != fig.PagesAvoided || fig.SheetsPrinted != 42 {
		t.Fatalf("simplex without reserve: %+v", fig)
	}
}

func TestDraftSessionCountsNothing(t *testing.T) {
	f := ledgerFacts()
	f.PublishedAt = nil
	lines, fig := ecabinet.MeetingPaper(f, govSettings())
	for _, l := range lines {
		if l.Counted || l.Reason != ecabinet.ReasonNotPublished || l.TotalPages != 0 {
			t.Fatalf("draft line %+v", l)
		}
	}
	if fig != (ecabinet.PaperFigures{}) {
		t.Fatalf("draft figures %+v", fig)
	}
}

func TestBallotPaperByHand(t *testing.T) {
	lines, fig := ecabinet.BallotPaper(&ecabinet.BallotFacts{BallotID: 4, Title: "Phiếu lấy ý kiến", OpenedAt: ptr(at("2026-03-10T02:00:00Z")),
		Readers: ecabinet.Readers{ecabinet.ClassNone: 27}}, govSettings())
	// 2 pages × 27 recipients × 2 (sent and returned) = 108 pages on 54 sheets.
	l := lines[0]
	if len(lines) != 1 || l.Copies != 54 || l.Multiplier != 2 || l.TotalPages != 108 || l.Sheets != 54 || l.Reason != ecabinet.ReasonBallotSentReturned {
		t.Fatalf("line %+v", l)
	}
	want := ecabinet.PaperFigures{PagesAvoided: 108, SheetsAvoided: 54, CostAvoidedVND: 162_000, WeightAvoidedMg: 270_000, ElectronicSharePc: 100}
	if fig != want {
		t.Fatalf("figures %+v", fig)
	}
}

// ballotFacts is a ballot worked out by hand: opened on 10 March at 02:00
// to 27 recipients (24 without clearance, two confidential, one secret),
// with a draft decree replaced once before the opening and once after, a
// confidential report, and a top secret paper-only annex.
func ballotFacts() *ecabinet.BallotFacts {
	return &ecabinet.BallotFacts{BallotID: 4, Title: "Phiếu lấy ý kiến", OpenedAt: ptr(at("2026-03-10T02:00:00Z")),
		Readers: ecabinet.Readers{ecabinet.ClassNone: 24, ecabinet.ClassConfidential: 2, ecabinet.ClassSecret: 1},
		Versions: []ecabinet.VersionFact{
			{DocumentID: 11, Title: "Dự thảo Nghị định", Classification: ecabinet.ClassNone, VersionID: 101, Version: 1, Pages: 13,
				UploadedAt: at("2026-03-09T01:00:00Z"), ReplacedAt: ptr(at("2026-03-09T12:00:00Z"))},
			{DocumentID: 11, Title: "Dự thảo Nghị định", Classification: ecabinet.ClassNone, VersionID: 102, Version: 2, Pages: 12,
				UploadedAt: at("2026-03-09T12:00:00Z"), ReplacedAt: ptr(at("2026-03-11T03:00:00Z"))},
			{DocumentID: 11, Title: "Dự thảo Nghị định", Classification: ecabinet.ClassNone, VersionID: 103, Version: 3, Pages: 13,
				UploadedAt: at("2026-03-11T03:00:00Z")},
			{DocumentID: 12, Title: "Báo cáo", Classification: ecabinet.ClassConfidential, VersionID: 104, Version: 1, Pages: 5,
				UploadedAt: at("2026-03-08T01:00:00Z")},
		},
		Placeholders: []ecabinet.PlaceholderFact{{DocumentID: 13, Title: "Phụ lục", Classification: ecabinet.ClassTopSecret, PaperPages: 9, PaperCopies: 4}},
	}
}

func TestBallotDocumentsPaperByHand(t *testing.T) {
	lines, fig := ecabinet.BallotPaper(ballotFacts(), govSettings())
	type want struct {
		kind, reason           string
		counted                bool
		recipients, copies     int
		pages, sheets, cost, w int64
	}
	wants := []want{
		// The form: 2 pages × 27 × 2 trips.
		{ecabinet.LineBallot, ecabinet.ReasonBallotSentReturned, true, 27, 54, 108, 54, 162_000, 270_000},
		// v1 replaced the day before the opening: never sent.
		{ecabinet.LineVersion, ecabinet.ReasonReplacedBeforePub, false, 0, 0, 0, 0, 0, 0},
		// v2 current at the opening: 27 recipients + 5 reserve = 32 copies of
		// 12 pages = 384 pages; 6 sheets duplex × 32 = 192.
		{ecabinet.LineVersion, ecabinet.ReasonDistributed, true, 27, 32, 384, 192, 576_000, 960_000},
		// v3 uploaded while open (a replacement): 32 copies of 13 pages = 416;
		// 7 sheets × 32 = 224.
		{ecabinet.LineVersion, ecabinet.ReasonDistributed, true, 27, 32, 416, 224, 624_000, 1_120_000},
		// The confidential report: 3 cleared recipients + 5 = 8 copies of 5
		// pages = 40; 3 sheets × 8 = 24.
		{ecabinet.LineVersion, ecabinet.ReasonDistributed, true, 3, 8, 40, 24, 60_000, 120_000},
		// The top secret annex, printed: 4 copies of 9 pages = 36; 5 sheets × 4 = 20.
		{ecabinet.LinePlaceholder, ecabinet.ReasonPaperCopies, true, 4, 4, 36, 20, 54_000, 100_000},
	}
	if len(lines) != len(wants) {
		t.Fatalf("%d lines, want %d: %+v", len(lines), len(wants), lines)
	}
	for i, w := range wants {
		l := lines[i]
		got := want{l.Kind, l.Reason, l.Counted, l.Recipients, l.Copies, l.TotalPages, l.Sheets, l.CostVND, l.WeightMg}
		if got != w || l.BallotID != 4 || l.MeetingID != 0 {
			t.Errorf("line %d: %+v, want %+v", i, got, w)
		}
	}
	if d := lines[2].DistributedAt; d == nil || !d.Equal(at("2026-03-10T02:00:00Z")) {
		t.Errorf("v2 distributed at %v, want the opening", d)
	}
	if d := lines[3].DistributedAt; d == nil || !d.Equal(at("2026-03-11T03:00:00Z")) {
		t.Errorf("v3 distributed at %v, want its upload", d)
	}
	// Avoided 108 + 384 + 416 + 40 = 948 pages; printed 36: 948 / 984 = 96.3%.
	wantFig := ecabinet.PaperFigures{PagesAvoided: 948, SheetsAvoided: 494, CostAvoidedVND: 1_422_000, WeightAvoidedMg: 2_470_000,
		PagesPrinted: 36, SheetsPrinted: 20, CostPrintedVND: 54_000, WeightPrintedMg: 100_000, ElectronicSharePc: 96.3}
	if fig != wantFig {
		t.Fatalf("figures %+v, want %+v", fig, wantFig)
	}

	// A draft counts nothing, and says so on every line.
	draft := ballotFacts()
	draft.OpenedAt = nil
	lines, fig = ecabinet.BallotPaper(draft, govSettings())
	for i, l := range lines {
		if l.Counted || l.Reason != ecabinet.ReasonNotPublished || l.TotalPages != 0 {
			t.Errorf("draft line %d: %+v", i, l)
		}
	}
	if len(lines) != 6 || fig != (ecabinet.PaperFigures{}) {
		t.Fatalf("draft: %d lines, figures %+v", len(lines), fig)
	}
}

// A reader below a document's level gets no line about it, the others all.
func TestVisibleLinesLeaveOutDocumentsAboveTheReader(t *testing.T) {
	lines, _ := ecabinet.MeetingPaper(ledgerFacts(), govSettings())
	low := ecabinet.VisibleLines(lines, ecabinet.ClassConfidential)
	if len(low) != len(lines)-1 || slices.ContainsFunc(low, func(l ecabinet.LedgerLine) bool { return l.Classification == ecabinet.ClassTopSecret }) {
		t.Fatalf("a confidential reader's lines: %+v", low)
	}
	if !slices.ContainsFunc(low, func(l ecabinet.LedgerLine) bool { return l.Title == "Đề án" }) {
		t.Fatalf("the confidential line is missing for a confidential reader")
	}
	if all := ecabinet.VisibleLines(lines, ecabinet.ClassTopSecret); len(all) != len(lines) {
		t.Fatalf("a top secret reader gets %d lines of %d", len(all), len(lines))
	}
}

// Documents above a reader count as they stood at the start of the day,
// in the body's time zone.
func TestHiddenAsOfIsTheStartOfTheDay(t *testing.T) {
	hanoi := ecabinet.DefaultBodySettings().Location()
	for now, want := range map[time.Time]time.Time{
		time.Date(2026, 11, 30, 16, 30, 0, 0, time.UTC): time.Date(2026, 11, 30, 17, 0, 0, 0, time.UTC).Add(-24 * time.Hour), // 23:30 in Hanoi
		time.Date(2026, 11, 30, 17, 0, 0, 0, time.UTC):  time.Date(2026, 11, 30, 17, 0, 0, 0, time.UTC),                      // midnight
		time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC):    time.Date(2026, 11, 30, 17, 0, 0, 0, time.UTC),
	} {
		if got := ecabinet.HiddenAsOf(now, hanoi); !got.Equal(want) {
			t.Errorf("HiddenAsOf(%v) = %v, want %v", now, got, want)
		}
	}
}

func TestShareRounding(t *testing.T) {
	for _, c := range []struct {
		num, den int64
		want     float64
	}{
		{343, 10527, 3.3}, {6185, 10527, 58.8}, {769, 10527, 7.3}, {3230, 10527, 30.7}, {6954, 10527, 66.1},
		{1, 16, 6.3}, // 6.25: half away from zero
		{1, 32, 3.1}, // 3.125
		{-1, 16, -6.3},
		{2, 3, 66.7}, {1, 3, 33.3}, {0, 5, 0}, {5, 0, 0}, {7, 7, 100},
	} {
		if got := ecabinet.Share(c.num, c.den); got != c.want {
			t.Errorf("Share(%d, %d) = %v, want %v", c.num, c.den, got, c.want)
		}
	}
}

func TestMeetingTimeByHand(t *testing.T) {
	items := []ecabinet.ItemFact{
		{ID: 1, Position: 1, Title: "Kinh tế - xã hội", Status: ecabinet.ItemDone, PlannedMinutes: 60,
			StartedAt: ptr(at("2026-03-12T02:00:00Z")), EndedAt: ptr(at("2026-03-12T02:42:00Z"))},
		{ID: 2, Position: 2, Title: "Luật Đất đai", Status: ecabinet.ItemDone, PlannedMinutes: 45,
			StartedAt: ptr(at("2026-03-12T02:42:00Z")), EndedAt: ptr(at("2026-03-12T03:20:30Z"))},
		{ID: 3, Position: 3, Title: "Hoãn", Status: ecabinet.ItemDeferred, PlannedMinutes: 30},
		{ID: 4, Position: 4, Title: "Chưa bàn", Status: ecabinet.ItemPending, PlannedMinutes: 20},
	}
	s := ecabinet.SessionFact{Status: ecabinet.MeetingClosed, ScheduledStart: at("2026-03-12T02:00:00Z"), ScheduledEnd: at("2026-03-12T05:00:00Z"),
		StartedAt: ptr(at("2026-03-12T01:55:00Z")), EndedAt: ptr(at("2026-03-12T03:25:00Z"))}
	tl := ecabinet.MeetingTime(s, items, 30)
	if !tl.Items[0].Counted || *tl.Items[0].ActualMinutes != 42 || *tl.Items[0].SavingMinutes != 18 || *tl.Items[0].SavingPc != 30 {
		t.Fatalf("item 1: %+v", tl.Items[0])
	}
	if *tl.Items[1].ActualMinutes != 38.5 || *tl.Items[1].SavingPc != 14.4 || tl.Items[2].Counted || tl.Items[3].Counted {
		t.Fatalf("items 2-4: %+v %+v %+v", tl.Items[1], tl.Items[2], tl.Items[3])
	}
	// 105 planned, 80.5 actual: 24.5 saved = 23.3%, 77.8% of the 30% goal.
	want := ecabinet.TimeFigures{Sessions: 1, Items: 2, PlannedMinutes: 105, ActualMinutes: 80.5, SavingMinutes: 24.5, SavingPc: 23.3,
		TargetPc: 30, ProgressPc: 77.8}
	if tl.Totals != want || !tl.Closed || *tl.SessionMinutes != 90 || tl.ScheduledMinutes != 180 {
		t.Fatalf("totals %+v (session %v, scheduled %v)", tl.Totals, *tl.SessionMinutes, tl.ScheduledMinutes)
	}

	// Summed with a second closed session that saved 40%: 165 planned, 116.5 actual.
	fast := ecabinet.MeetingTime(s, []ecabinet.ItemFact{{ID: 9, Status: ecabinet.ItemDone, PlannedMinutes: 60,
		StartedAt: ptr(at("2026-04-02T02:00:00Z")), EndedAt: ptr(at("2026-04-02T02:36:00Z"))}}, 30)
	live := ecabinet.MeetingTime(ecabinet.SessionFact{Status: ecabinet.MeetingLive}, items, 30) // not counted in sums
	_, paper := ecabinet.BallotPaper(&ecabinet.BallotFacts{BallotID: 1, Title: "Phiếu", OpenedAt: ptr(at("2026-03-02T02:00:00Z")),
		Readers: ecabinet.Readers{ecabinet.ClassNone: 10}}, govSettings())
	total, periods := ecabinet.Summarize([]ecabinet.LedgerSource{
		{Kind: "meeting", Period: "2026-03", Time: &tl},
		{Kind: "meeting", Period: "2026-04", Time: &fast},
		{Kind: "meeting", Period: "2026-04", Time: &live},
		{Kind: "ballot", Period: "2026-03", Paper: paper},
	}, 30)
	if total.Meetings != 3 || total.Ballots != 1 || total.Paper.PagesAvoided != 40 || len(periods) != 2 || periods[0].Period != "2026-03" {
		t.Fatalf("summary %+v %+v", total, periods)
	}
	wantTotal := ecabinet.TimeFigures{Sessions: 2, Items: 3, PlannedMinutes: 165, ActualMinutes: 116.5, SavingMinutes: 48.5, SavingPc: 29.4,
		TargetPc: 30, ProgressPc: 98}
	if total.Time != wantTotal {
		t.Fatalf("time total %+v", total.Time)
	}
	if p := periods[1].Time; p.Sessions != 1 || p.SavingPc != 40 || !p.TargetReached || p.ProgressPc != 133.3 {
		t.Fatalf("April %+v", p)
	}
}

// An item taken up again counts every span of its discussion, the earlier
// ones and the last, and says how many there were.
func TestMeetingTimeCountsEverySpan(t *testing.T) {
	items := []ecabinet.ItemFact{
		{ID: 1, Position: 1, Title: "Luật Đất đai", Status: ecabinet.ItemDone, PlannedMinutes: 60,
			Earlier:   []ecabinet.Span{{StartedAt: at("2026-03-12T02:00:00Z"), EndedAt: at("2026-03-12T02:30:00Z")}},
			StartedAt: ptr(at("2026-03-12T03:00:00Z")), EndedAt: ptr(at("2026-03-12T03:12:30Z"))},
		// Taken up again and still under discussion: not counted yet.
		{ID: 2, Position: 2, Title: "Đầu tư công", Status: ecabinet.ItemActive, PlannedMinutes: 30,
			Earlier:   []ecabinet.Span{{StartedAt: at("2026-03-12T02:30:00Z"), EndedAt: at("2026-03-12T03:00:00Z")}},
			StartedAt: ptr(at("2026-03-12T03:12:30Z"))},
	}
	tl := ecabinet.MeetingTime(ecabinet.SessionFact{Status: ecabinet.MeetingLive}, items, 30)
	if it := tl.Items[0]; !it.Counted || *it.ActualMinutes != 42.5 || it.Spans != 2 || *it.SavingMinutes != 17.5 {
		t.Fatalf("item taken up twice: %+v", it)
	}
	if it := tl.Items[1]; it.Counted || it.Spans != 2 {
		t.Fatalf("item under discussion again: %+v", it)
	}
	if tl.Totals.ActualMinutes != 42.5 || tl.Totals.PlannedMinutes != 60 {
		t.Fatalf("totals %+v", tl.Totals)
	}
}

// A closed session whose items were moved through in seconds (a rehearsal,
// or a session recorded after the fact) is not timed: it claims no saving
// ("100% shorter" for a session of no length) and leaves the period's time
// figures as the timed sessions make them. A session still running, and one
// whose items took a minute each on average, count as before.
func TestSessionMovedThroughIsNotTimed(t *testing.T) {
	start := at("2026-03-12T02:00:00Z")
	items := func(secs ...int) []ecabinet.ItemFact {
		var out []ecabinet.ItemFact
		from := start
		for i, s := range secs {
			end := from.Add(time.Duration(s) * time.Second)
			out = append(out, ecabinet.ItemFact{ID: int64(i + 1), Position: i + 1, Status: ecabinet.ItemDone, PlannedMinutes: 45,
				StartedAt: ptr(from), EndedAt: ptr(end)})
			from = end
		}
		return out
	}
	closed := ecabinet.SessionFact{Status: ecabinet.MeetingClosed, ScheduledStart: start, ScheduledEnd: start.Add(4 * time.Hour),
		StartedAt: ptr(start), EndedAt: ptr(start.Add(5 * time.Second))}

	rush := ecabinet.MeetingTime(closed, items(1, 2, 0), 30)
	if !rush.Untimed || rush.Totals.Items != 0 || rush.Totals.PlannedMinutes != 0 || rush.Totals.SavingPc != 0 || rush.Totals.ProgressPc != 0 || rush.Totals.TargetReached {
		t.Fatalf("a session moved through in 3 s: untimed %v, totals %+v", rush.Untimed, rush.Totals)
	}
	for _, it := range rush.Items {
		if it.Counted || it.SavingPc != nil || it.SavingMinutes != nil || it.ActualMinutes == nil {
			t.Fatalf("item of an untimed session: %+v (what was recorded is shown, nothing counted)", it)
		}
	}

	// Summed with a timed session, the period's figures are the timed one's.
	timed := ecabinet.MeetingTime(closed, items(40*60, 30*60, 25*60), 30)
	total, _ := ecabinet.Summarize([]ecabinet.LedgerSource{
		{Kind: "meeting", Period: "2026-03", Time: &rush},
		{Kind: "meeting", Period: "2026-03", Time: &timed},
	}, 30)
	if timed.Untimed || total.Time.Items != 3 || total.Time.PlannedMinutes != 135 || total.Time.ActualMinutes != 95 || total.Time.SavingPc != 29.6 {
		t.Fatalf("period with an untimed session: %+v", total.Time)
	}

	// A minute per item on average is timed, however the minutes fall.
	if even := ecabinet.MeetingTime(closed, items(170, 5, 5), 30); even.Untimed || even.Totals.Items != 3 {
		t.Fatalf("three items in three minutes: %+v", even.Totals)
	}
	// A running session shows its items so far, counted.
	if live := ecabinet.MeetingTime(ecabinet.SessionFact{Status: ecabinet.MeetingLive}, items(1), 30); live.Untimed || !live.Items[0].Counted {
		t.Fatalf("running session: %+v", live)
	}
}

// A paper-only document no copy of which was handed out yet is still
// printed for everyone cleared for it: never "0 recipients, 100% electronic".
func TestPaperOnlyDocumentPrintsItsNumberedCopies(t *testing.T) {
	pub := at("2026-03-10T02:00:00Z")
	f := &ecabinet.MeetingFacts{MeetingID: 1, PublishedAt: &pub,
		Readers:      ecabinet.Readers{ecabinet.ClassNone: 20, ecabinet.ClassSecret: 6, ecabinet.ClassTopSecret: 1},
		Placeholders: []ecabinet.PlaceholderFact{{DocumentID: 9, Title: "Báo cáo mật", Classification: ecabinet.ClassSecret, PaperPages: 8}}}
	lines, fig := ecabinet.MeetingPaper(f, govSettings())
	if l := lines[0]; l.Recipients != 7 || l.TotalPages != 56 || !l.Counted {
		t.Fatalf("placeholder line %+v", l)
	}
	if fig.PagesPrinted != 56 || fig.ElectronicSharePc != 0 {
		t.Fatalf("figures %+v", fig)
	}
	// More copies handed out than cleared readers (a copy replaced): all count.
	f.Placeholders[0].PaperCopies = 9
	if lines, _ = ecabinet.MeetingPaper(f, govSettings()); lines[0].Recipients != 9 {
		t.Fatalf("copies handed out %+v", lines[0])
	}
}
