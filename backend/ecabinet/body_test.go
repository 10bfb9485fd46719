package ecabinet_test

import (
	"strings"
	"testing"

	"github.com/ecabinet/ecabinet/backend/ecabinet"
)

// Each invalid setting is reported on its own field, so the form can mark it.
func TestBodySettingsNameTheField(t *testing.T) {
	cases := map[string]func(*ecabinet.BodySettings){
		"quorum_denominator":            func(s *ecabinet.BodySettings) { s.QuorumDenominator = 0 },
		"quorum_numerator":              func(s *ecabinet.BodySettings) { s.QuorumNumerator = 4 },
		"pass_rule":                     func(s *ecabinet.BodySettings) { s.PassRule = "unanimity" },
		"tie_break":                     func(s *ecabinet.BodySettings) { s.TieBreak = "coin" },
		"electronic_max_classification": func(s *ecabinet.BodySettings) { s.ElectronicMaxClassification = "cosmic" },
		"reserve_copies":                func(s *ecabinet.BodySettings) { s.ReserveCopies = -1 },
		"cost_per_page_vnd":             func(s *ecabinet.BodySettings) { s.CostPerPageVND = -5 },
		"sheet_weight_mg":               func(s *ecabinet.BodySettings) { s.SheetWeightMg = 0 },
		"ballot_pages":                  func(s *ecabinet.BodySettings) { s.BallotPages = 0 },
		"target_time_saving_pc":         func(s *ecabinet.BodySettings) { s.TargetTimeSavingPc = 101 },
		"ballot_reminder_minutes":       func(s *ecabinet.BodySettings) { s.BallotReminderMinutes = []int{0} },
		"speaking_minutes":              func(s *ecabinet.BodySettings) { s.SpeakingMinutes = 121 },
		"timezone":                      func(s *ecabinet.BodySettings) { s.Timezone = "Mars/Olympus" },
		"place":                         func(s *ecabinet.BodySettings) { s.Place = "  " },
	}
	for field, mutate := range cases {
		s := ecabinet.DefaultBodySettings()
		mutate(&s)
		if e := ecabinet.AsError(s.Validate()); e.Code != ecabinet.EINVALID || e.Field != field {
			t.Errorf("%s: got %+v", field, e)
		}
	}
	if err := ecabinet.DefaultBodySettings().Validate(); err != nil {
		t.Fatalf("defaults invalid: %v", err)
	}
	long := ecabinet.DefaultBodySettings()
	long.Place = strings.Repeat("Lào Cai ", 8)
	if e := ecabinet.AsError(long.Validate()); e.Field != "place" {
		t.Errorf("a place of %d characters: %+v", len([]rune(long.Place)), e)
	}
}
