package http

import (
	"testing"

	"github.com/ecabinet/ecabinet/backend/ecabinet"
)

// FuzzDecodeRequests: any request body gives a decoded input or an invalid
// error naming a field, never a panic, for the inputs the API takes.
func FuzzDecodeRequests(f *testing.F) {
	for _, s := range []string{
		`{"username":"khach01","password":"mat-khau-du-dai","full_name":"Khách","role":"guest","clearance":"none","active":true}`,
		`{"kind":"regular","title":"Phiên họp","scheduled_start":"2026-12-03T08:00:00Z","scheduled_end":"2026-12-03T12:00:00Z"}`,
		`{"answers":[{"question_id":1,"choice":"other","comment":"Ý kiến"}],"device_id":2,"signature":"AAAA"}`,
		`{"title":"Phiếu","deadline":"2026-12-10T10:00:00Z","questions":["Đồng ý?"],"recipients":[1,2]}`,
		`{"voting":"no"}`, `{"x":1}`, `{}{}`, `[1,2]`, `"text"`, ``, `{"title":"\u0000"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		check := func(err error) {
			if err == nil {
				return
			}
			e := ecabinet.AsError(err)
			if e.Code != ecabinet.EINVALID || e.Field == "" || e.Message("vi") == "" {
				t.Fatalf("error %+v is not an invalid error naming a field", e)
			}
		}
		var m ecabinet.MemberInput
		if err := decodeBytes(body, &m); err != nil {
			check(err)
		} else {
			check(m.Validate())
		}
		var mi ecabinet.MeetingInput
		if err := decodeBytes(body, &mi); err != nil {
			check(err)
		} else {
			check(mi.Validate())
		}
		var a ecabinet.AnswerInput
		if err := decodeBytes(body, &a); err != nil {
			check(err)
		} else {
			check(a.Validate(ecabinet.DefaultBodySettings()))
		}
		var b ecabinet.BallotInput
		if err := decodeBytes(body, &b); err != nil {
			check(err)
		} else {
			check(b.Validate())
		}
	})
}
