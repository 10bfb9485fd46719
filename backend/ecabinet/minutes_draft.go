package ecabinet

import (
	"fmt"
	"strings"
	"time"
)

// MinutesRecord is what the system recorded of a closed session, from which
// the first draft of its minutes is written.
type MinutesRecord struct {
	BodyName       string
	Title          string
	Place          string
	ScheduledStart time.Time
	StartedAt      *time.Time
	EndedAt        *time.Time
	Chair          string
	Attendance     []MinutesAttendee
	Quorums        []MinutesQuorum
	Items          []MinutesItem
	// ConsentTakenAt is when the consent block was taken; ConsentByVote
	// whether it was by vote.
	ConsentTakenAt *time.Time
	ConsentByVote  bool
	// PositionNamesHidden: the body does not show members who gave which
	// position (BodySettings.PositionNamesVisible is off); the minutes,
	// which every invitee reads once published, then count the positions
	// and quote the objections' reasons without names.
	PositionNamesHidden bool
}

// MinutesAttendee is one invitee and how they attended.
type MinutesAttendee struct {
	Name          string
	Status        AttendanceStatus
	AbsenceReason string
	Deputy        string // name and title of the deputy, when represented
}

// MinutesQuorum is the quorum at one transition.
type MinutesQuorum struct {
	Action            MeetingAction
	At                time.Time
	Present, Required int
	Reached           bool
}

// MinutesItem is one agenda item as recorded.
type MinutesItem struct {
	Position       int
	Title          string
	Presenter      string
	PlannedMinutes int
	Status         AgendaStatus
	Consent        ConsentState
	StartedAt      *time.Time
	EndedAt        *time.Time
	Speakers       []MinutesSpeaker
	Positions      []MinutesPosition
	Votes          []MinutesVote
}

// MinutesSpeaker is one turn at the floor.
type MinutesSpeaker struct {
	Name               string
	StartedAt, EndedAt *time.Time
}

// MinutesPosition is one position given before the session.
type MinutesPosition struct {
	Name   string
	Stance Stance
	Reason string
}

// MinutesVote is one vote on the item: who was entitled and the result;
// choices by name only for named (not secret) votes.
type MinutesVote struct {
	Question string
	Secret   bool
	Entitled int
	Result   *Tally
	Named    []MinutesChoice
}

// MinutesChoice is a member's choice in a named vote.
type MinutesChoice struct {
	Name, Option string
}

var stanceVI = map[Stance]string{StanceNoObjection: "không có ý kiến", StanceSpeak: "xin phát biểu", StanceObject: "phản đối"}

var attendanceVI = map[AttendanceStatus]string{AttendancePresent: "có mặt", AttendanceAbsent: "vắng mặt",
	AttendanceDeputy: "vắng mặt, cử người dự thay", AttendanceExpected: "không điểm danh"}

var actionVI = map[MeetingAction]string{ActionPublish: "Phát hành", ActionStart: "Khai mạc", ActionAdjourn: "Tạm dừng",
	ActionResume: "Tiếp tục", ActionClose: "Bế mạc"}

// DraftMinutesText writes the first draft of the minutes, in Vietnamese,
// from the record; times are shown in loc. The same record gives the same text.
func DraftMinutesText(r *MinutesRecord, loc *time.Location) string {
	var b strings.Builder
	hm := func(t *time.Time) string {
		if t == nil {
			return "—"
		}
		return t.In(loc).Format("15:04")
	}
	fmt.Fprintf(&b, "BIÊN BẢN PHIÊN HỌP\n%s\n\n", r.Title)
	fmt.Fprintf(&b, "Thời gian: khai mạc %s, bế mạc %s, ngày %s.\n", hm(r.StartedAt), hm(r.EndedAt), r.ScheduledStart.In(loc).Format("02/01/2006"))
	if r.Place != "" {
		fmt.Fprintf(&b, "Địa điểm: %s.\n", r.Place)
	}
	if r.Chair != "" {
		fmt.Fprintf(&b, "Chủ trì: %s.\n", r.Chair)
	}
	b.WriteString("\nI. THÀNH PHẦN\n")
	for _, at := range r.Attendance {
		line := fmt.Sprintf("- %s: %s", at.Name, attendanceVI[at.Status])
		if at.AbsenceReason != "" {
			line += " (lý do: " + at.AbsenceReason + ")"
		}
		if at.Deputy != "" {
			line += "; người dự thay: " + at.Deputy
		}
		b.WriteString(line + ".\n")
	}
	b.WriteString("\nII. SỐ LƯỢNG THÀNH VIÊN CÓ MẶT\n")
	for _, q := range r.Quorums {
		ok := "đủ"
		if !q.Reached {
			ok = "không đủ"
		}
		fmt.Fprintf(&b, "- %s lúc %s: %d thành viên có mặt, cần %d (%s số lượng theo quy định).\n", actionVI[q.Action], q.At.In(loc).Format("15:04 02/01/2006"),
			q.Present, q.Required, ok)
	}
	var block []MinutesItem
	for _, it := range r.Items {
		if it.Consent == ConsentDecided {
			block = append(block, it)
		}
	}
	if len(block) > 0 {
		b.WriteString("\nIII. CÁC NỘI DUNG THÔNG QUA KHÔNG THẢO LUẬN\n")
		how := "không có thành viên nào có ý kiến khác"
		if r.ConsentByVote {
			how = "bằng biểu quyết"
		}
		fmt.Fprintf(&b, "Lúc %s, chủ tọa đề nghị thông qua %d nội dung sau trong một quyết định (%s):\n", hm(r.ConsentTakenAt), len(block), how)
		for _, it := range block {
			fmt.Fprintf(&b, "- %d. %s (dự kiến %d phút).\n", it.Position, it.Title, it.PlannedMinutes)
		}
	}
	b.WriteString("\nIV. DIỄN BIẾN THEO TỪNG NỘI DUNG\n")
	for _, it := range r.Items {
		if it.Consent == ConsentDecided {
			continue
		}
		fmt.Fprintf(&b, "\n%d. %s\n", it.Position, it.Title)
		if it.Presenter != "" {
			fmt.Fprintf(&b, "Trình bày: %s.\n", it.Presenter)
		}
		actual := "không thảo luận"
		if it.StartedAt != nil && it.EndedAt != nil {
			actual = fmt.Sprintf("%s–%s (%.0f phút)", hm(it.StartedAt), hm(it.EndedAt), it.EndedAt.Sub(*it.StartedAt).Minutes())
		} else if it.Status == ItemDeferred {
			actual = "hoãn"
		}
		fmt.Fprintf(&b, "Thời gian: dự kiến %d phút; thực tế %s.\n", it.PlannedMinutes, actual)
		if it.Consent == ConsentPulled {
			b.WriteString("Nội dung được rút khỏi nhóm thông qua không thảo luận theo đề nghị của thành viên.\n")
		}
		if len(it.Positions) > 0 {
			b.WriteString("Ý kiến trước phiên họp:\n")
			if r.PositionNamesHidden {
				writePositionCounts(&b, it.Positions)
			} else {
				for _, p := range it.Positions {
					line := fmt.Sprintf("- %s: %s", p.Name, stanceVI[p.Stance])
					if p.Reason != "" {
						line += " (" + p.Reason + ")"
					}
					b.WriteString(line + ".\n")
				}
			}
		}
		if len(it.Speakers) > 0 {
			b.WriteString("Phát biểu:\n")
			for i, sp := range it.Speakers {
				fmt.Fprintf(&b, "%d) %s, %s–%s.\n", i+1, sp.Name, hm(sp.StartedAt), hm(sp.EndedAt))
			}
		}
		for _, v := range it.Votes {
			kind := "công khai"
			if v.Secret {
				kind = "kín"
			}
			fmt.Fprintf(&b, "Biểu quyết (%s): %s. Số thành viên có quyền biểu quyết: %d.\n", kind, v.Question, v.Entitled)
			if v.Result != nil {
				var counts []string
				for _, c := range v.Result.Counts {
					counts = append(counts, fmt.Sprintf("%s %d", c.Label, c.Count))
				}
				outcome := "không thông qua"
				if v.Result.Outcome == OutcomePassed {
					outcome = "thông qua"
				}
				fmt.Fprintf(&b, "Kết quả: %s; %s.\n", strings.Join(counts, ", "), outcome)
			}
			for _, c := range v.Named {
				fmt.Fprintf(&b, "- %s: %s.\n", c.Name, c.Option)
			}
		}
	}
	return b.String()
}

// writePositionCounts writes an item's positions without names: how many
// gave each, then the reasons given, in the order they were given.
func writePositionCounts(b *strings.Builder, ps []MinutesPosition) {
	counts := map[Stance]int{}
	for _, p := range ps {
		counts[p.Stance]++
	}
	var parts []string
	for _, s := range []Stance{StanceNoObjection, StanceSpeak, StanceObject} {
		if counts[s] > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", stanceVI[s], counts[s]))
		}
	}
	b.WriteString("- " + strings.Join(parts, "; ") + ".\n")
	for _, p := range ps {
		if p.Reason != "" {
			fmt.Fprintf(b, "- Lý do %s: %s.\n", stanceVI[p.Stance], p.Reason)
		}
	}
}
