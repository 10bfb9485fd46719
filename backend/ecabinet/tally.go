package ecabinet

// Standard options of a vote (biểu quyết) and of a ballot question.
const (
	OptionAgree    = "agree"    // tán thành / đồng ý
	OptionDisagree = "disagree" // không tán thành / không đồng ý
	OptionAbstain  = "abstain"  // bỏ phiếu trắng
	OptionOther    = "other"    // ý kiến khác (ballots)
)

// Outcome of a decision.
const (
	OutcomePassed = "passed"
	OutcomeFailed = "failed"
	// OutcomePending: a written ballot still open has no outcome yet, only
	// counts and what it needs to pass.
	OutcomePending = "pending"
)

// Tally is the count of a decision and its outcome under the body's rule.
type Tally struct {
	// Counts per option key, in the options' order.
	Counts []OptionCount `json:"counts"`
	// Cast is the number of votes cast (every option, abstentions included).
	Cast int `json:"cast"`
	// Entitled is how many were entitled to take part.
	Entitled int `json:"entitled"`
	// NotCast is Entitled − Cast.
	NotCast int `json:"not_cast"`
	// Base is what a majority is counted against: all voting members of the
	// body (majority_of_all) or the votes cast (majority_of_cast).
	Base int `json:"base"`
	// Required is the least number of favourable votes that passes.
	Required int    `json:"required"`
	Rule     string `json:"rule"`
	Outcome  string `json:"outcome"`
	// Adopted is the option that carried (agree when a yes/no vote passed).
	Adopted string `json:"adopted,omitempty"`
	// TieBrokenByChair is set when equal votes were decided by the chair's side.
	TieBrokenByChair bool `json:"tie_broken_by_chair"`
}

// OptionCount is the count of one option.
type OptionCount struct {
	Key   string `json:"key"`
	Label string `json:"label"`
	Count int    `json:"count"`
}

// TallyInput is what a tally is computed from: the stored choices.
type TallyInput struct {
	Options []VoteOption
	// Choices are the option keys chosen, one per vote cast.
	Choices []string
	// ChairChoice is the chair's option when the chair voted in a named
	// vote; empty when the chair did not vote or the vote is secret.
	ChairChoice string
	// TotalVoting is the number of active members with a voting right.
	TotalVoting int
	// Entitled is how many may take part in this decision.
	Entitled int
	Settings BodySettings
}

// ComputeTally counts the choices and applies the body's rule: a decision
// passes when the favourable option has more than half of the base (all
// voting members by default, art. 46 of the Law on Government Organization);
// when the two leading sides are equal and the body breaks ties by the
// chair, the side the chair voted for wins.
//
// For a yes/no vote the favourable option is agree; for a vote between
// custom options, the option with the most votes is adopted if it reaches
// the same majority.
func ComputeTally(in TallyInput) Tally {
	t := Tally{Entitled: in.Entitled, Rule: in.Settings.PassRule, Outcome: OutcomeFailed}
	index := map[string]int{}
	for i, o := range in.Options {
		index[o.Key] = i
		t.Counts = append(t.Counts, OptionCount{Key: o.Key, Label: o.Label})
	}
	for _, c := range in.Choices {
		if i, ok := index[c]; ok {
			t.Counts[i].Count++
			t.Cast++
		}
	}
	t.NotCast = max(in.Entitled-t.Cast, 0)
	t.Base = in.TotalVoting
	if in.Settings.PassRule == PassMajorityOfCast {
		t.Base = t.Cast
	}
	t.Required = t.Base/2 + 1 // more than half
	if t.Base == 0 {
		return t
	}

	count := func(key string) int {
		if i, ok := index[key]; ok {
			return t.Counts[i].Count
		}
		return 0
	}
	_, hasAgree := index[OptionAgree]
	_, hasDisagree := index[OptionDisagree]
	if hasAgree && hasDisagree {
		agree, disagree := count(OptionAgree), count(OptionDisagree)
		switch {
		case agree >= t.Required:
			t.Outcome, t.Adopted = OutcomePassed, OptionAgree
		case agree == disagree && agree > 0 && in.Settings.TieBreak == TieChair && in.ChairChoice == OptionAgree:
			t.Outcome, t.Adopted, t.TieBrokenByChair = OutcomePassed, OptionAgree, true
		case agree == disagree && agree > 0 && in.Settings.TieBreak == TieChair && in.ChairChoice == OptionDisagree:
			t.TieBrokenByChair = true
		}
		return t
	}

	// Custom options: the leader, if unique or chosen by the chair, and
	// only with a majority of the base — or by the chair's side on a tie.
	best, leaders := -1, []string{}
	for _, oc := range t.Counts {
		if oc.Key == OptionAbstain {
			continue
		}
		switch {
		case oc.Count > best:
			best, leaders = oc.Count, []string{oc.Key}
		case oc.Count == best:
			leaders = append(leaders, oc.Key)
		}
	}
	if best <= 0 {
		return t
	}
	if len(leaders) == 1 && best >= t.Required {
		t.Outcome, t.Adopted = OutcomePassed, leaders[0]
		return t
	}
	if len(leaders) > 1 && in.Settings.TieBreak == TieChair {
		for _, l := range leaders {
			if l == in.ChairChoice {
				t.Outcome, t.Adopted, t.TieBrokenByChair = OutcomePassed, l, true
			}
		}
	}
	return t
}
