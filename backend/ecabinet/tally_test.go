package ecabinet_test

import (
	"strings"
	"testing"

	"github.com/ecabinet/ecabinet/backend/ecabinet"
)

func choices(agree, disagree, abstain int) []string {
	var out []string
	for i := 0; i < agree; i++ {
		out = append(out, ecabinet.OptionAgree)
	}
	for i := 0; i < disagree; i++ {
		out = append(out, ecabinet.OptionDisagree)
	}
	for i := 0; i < abstain; i++ {
		out = append(out, ecabinet.OptionAbstain)
	}
	return out
}

// The rule table: majority of ALL voting members, ties, the chair's side,
// abstentions, and the majority-of-cast variant.
func TestTallyRules(t *testing.T) {
	gov := ecabinet.DefaultBodySettings()
	ofCast := gov
	ofCast.PassRule = ecabinet.PassMajorityOfCast
	noTie := gov
	noTie.TieBreak = ecabinet.TieFails
	cases := []struct {
		name                     string
		agree, disagree, abstain int
		chair                    string
		total, entitled          int
		s                        ecabinet.BodySettings
		outcome                  string
		required                 int
		tieBroken                bool
	}{
		{"14 of 27 is more than half of all", 14, 5, 2, "", 27, 21, gov, "passed", 14, false},
		{"13 of 27 is not, however few are against", 13, 2, 3, "", 27, 18, gov, "failed", 14, false},
		{"abstentions count against under majority of all", 13, 0, 14, "", 27, 27, gov, "failed", 14, false},
		{"majority of all with an even body", 14, 14, 0, "", 28, 28, gov, "failed", 15, false},
		{"tie, chair agreed: passes (art. 46)", 10, 10, 7, ecabinet.OptionAgree, 27, 27, gov, "passed", 14, true},
		{"tie, chair disagreed: fails", 10, 10, 7, ecabinet.OptionDisagree, 27, 27, gov, "failed", 14, true},
		{"tie, chair abstained: no tie break", 10, 10, 7, ecabinet.OptionAbstain, 27, 27, gov, "failed", 14, false},
		{"tie without the chair's vote (secret or absent)", 13, 13, 0, "", 27, 26, gov, "failed", 14, false},
		{"tie in a body where ties fail", 10, 10, 7, ecabinet.OptionAgree, 27, 27, noTie, "failed", 14, false},
		{"14-13 passes on a majority", 14, 13, 0, ecabinet.OptionDisagree, 27, 27, gov, "passed", 14, false},
		{"majority of cast ignores absentees", 8, 5, 0, "", 27, 13, ofCast, "passed", 7, false},
		{"majority of cast counts abstentions as cast", 8, 5, 4, "", 27, 17, ofCast, "failed", 9, false},
		{"nobody voted", 0, 0, 0, "", 27, 20, gov, "failed", 14, false},
		{"0-0 tie is not a tie", 0, 0, 5, ecabinet.OptionAbstain, 27, 20, gov, "failed", 14, false},
	}
	for _, c := range cases {
		got := ecabinet.ComputeTally(ecabinet.TallyInput{Options: ecabinet.DefaultVoteOptions(), Choices: choices(c.agree, c.disagree, c.abstain),
			ChairChoice: c.chair, TotalVoting: c.total, Entitled: c.entitled, Settings: c.s})
		if got.Outcome != c.outcome || got.Required != c.required || got.TieBrokenByChair != c.tieBroken {
			t.Errorf("%s: outcome %s required %d tie %v; want %s %d %v", c.name, got.Outcome, got.Required, got.TieBrokenByChair, c.outcome, c.required, c.tieBroken)
		}
		if got.Cast != c.agree+c.disagree+c.abstain || got.NotCast != max(c.entitled-got.Cast, 0) {
			t.Errorf("%s: cast %d not cast %d", c.name, got.Cast, got.NotCast)
		}
		if (got.Outcome == "passed") != (got.Adopted == ecabinet.OptionAgree) {
			t.Errorf("%s: adopted %q with outcome %s", c.name, got.Adopted, got.Outcome)
		}
	}
}

func TestTallyCustomOptions(t *testing.T) {
	gov := ecabinet.DefaultBodySettings()
	opts := []ecabinet.VoteOption{{Key: "a", Label: "Phương án A"}, {Key: "b", Label: "Phương án B"}, {Key: ecabinet.OptionAbstain, Label: "Không biểu quyết"}}
	rep := func(k string, n int) []string {
		return strings.Split(strings.TrimSuffix(strings.Repeat(k+",", n), ","), ",")
	}
	cases := []struct {
		name    string
		choices []string
		chair   string
		adopted string
	}{
		{"A has a majority of all", append(rep("a", 15), rep("b", 10)...), "", "a"},
		{"A leads without a majority", append(rep("a", 12), rep("b", 10)...), "", ""},
		{"tie decided by the chair", append(rep("a", 11), rep("b", 11)...), "b", "b"},
		{"tie, chair abstained", append(append(rep("a", 11), rep("b", 11)...), "abstain"), "abstain", ""},
	}
	for _, c := range cases {
		got := ecabinet.ComputeTally(ecabinet.TallyInput{Options: opts, Choices: c.choices, ChairChoice: c.chair, TotalVoting: 27, Entitled: 27, Settings: gov})
		if got.Adopted != c.adopted || (got.Outcome == "passed") != (c.adopted != "") {
			t.Errorf("%s: adopted %q outcome %s", c.name, got.Adopted, got.Outcome)
		}
	}
	// Unknown option keys in stored data are not counted.
	got := ecabinet.ComputeTally(ecabinet.TallyInput{Options: opts, Choices: []string{"a", "zzz"}, TotalVoting: 3, Entitled: 3, Settings: gov})
	if got.Cast != 1 {
		t.Errorf("unknown choice counted: %+v", got)
	}
}
