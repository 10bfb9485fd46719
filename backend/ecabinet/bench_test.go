package ecabinet_test

import (
	"testing"

	"github.com/ecabinet/ecabinet/backend/ecabinet"
)

// BenchmarkVisibleTo is the per-member filter the hub applies to every
// event for every subscriber: a session of 50 members (a few with
// clearance, a few of the secretariat) against the visibilities events
// carry (public, classified, addressed to one member, to recipients).
func BenchmarkVisibleTo(b *testing.B) {
	actors := make([]ecabinet.Actor, 50)
	for i := range actors {
		a := ecabinet.Actor{MemberID: int64(i + 1), BodyID: 1, Role: ecabinet.RoleMember, Clearance: ecabinet.ClassNone, Voting: true}
		switch {
		case i < 3:
			a.Role, a.Voting = ecabinet.RoleSecretary, false
		case i%5 == 0:
			a.Clearance = ecabinet.ClassSecret
		}
		actors[i] = a
	}
	recipients := make([]int64, 27)
	for i := range recipients {
		recipients[i] = int64(2 * i)
	}
	cases := []struct {
		name string
		v    ecabinet.Visibility
	}{
		{"public", ecabinet.Visibility{MinClearance: ecabinet.ClassNone, Audience: ecabinet.AudienceAll}},
		{"classified", ecabinet.Visibility{MinClearance: ecabinet.ClassConfidential, Audience: ecabinet.AudienceAll}},
		{"one-member", ecabinet.Visibility{MinClearance: ecabinet.ClassNone, Audience: ecabinet.AudienceMember(17)}},
		{"recipients", ecabinet.Visibility{MinClearance: ecabinet.ClassNone, Audience: ecabinet.AudienceAll, Recipients: recipients}},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			n := 0
			for i := 0; i < b.N; i++ {
				for _, a := range actors {
					if c.v.VisibleTo(a) {
						n++
					}
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(actors)), "ns/member")
			_ = n
		})
	}
}

// BenchmarkComputeTally counts a vote of the whole Government (27) and of
// a large assembly (500) and applies the pass rule.
func BenchmarkComputeTally(b *testing.B) {
	for _, n := range []int{27, 500} {
		b.Run(itoa(n), func(b *testing.B) {
			in := ecabinet.TallyInput{Options: ecabinet.DefaultVoteOptions(), Choices: choices(n/2, n/3, n-n/2-n/3),
				ChairChoice: ecabinet.OptionAgree, TotalVoting: n, Entitled: n, Settings: ecabinet.DefaultBodySettings()}
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				_ = ecabinet.ComputeTally(in)
			}
		})
	}
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}
