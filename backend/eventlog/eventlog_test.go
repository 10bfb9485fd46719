package eventlog

import (
	"slices"
	"testing"
	"time"

	"github.com/ecabinet/ecabinet/backend/ecabinet"
)

// A row reads back as the event Append wrote; recipients that do not parse
// reach nobody but the secretariat (member 0 is nobody).
func TestRowReadsBackAsItsEvent(t *testing.T) {
	at := time.Date(2026, 12, 3, 8, 0, 0, 0, time.UTC)
	r := row{ID: 7, Scope: "meeting:3", Seq: 12, Type: "agenda.updated", Payload: `{"item":1}`,
		MinClearance: string(ecabinet.ClassSecret), Audience: "member:4", Recipients: "[4,9]", CreatedAt: at}
	e := r.event("ep")
	if e.Scope != "meeting:3" || e.Epoch != "ep" || e.Seq != 12 || e.Type != "agenda.updated" || !e.At.Equal(at) ||
		string(e.Data) != `{"item":1}` || e.Visibility.MinClearance != ecabinet.ClassSecret || e.Visibility.Audience != "member:4" ||
		!slices.Equal(e.Recipients, []int64{4, 9}) {
		t.Fatalf("event = %+v", e)
	}
	for _, bad := range []string{"[", "[]", `{"a":1}`} {
		r.Recipients = bad
		if got := r.event("ep").Recipients; !slices.Equal(got, []int64{0}) {
			t.Errorf("recipients %q read as %v, want [0]", bad, got)
		}
	}
	r.Recipients = ""
	if got := r.event("ep").Recipients; got != nil {
		t.Errorf("no recipients read as %v", got)
	}
}
