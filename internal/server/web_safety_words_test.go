package server

import (
	"testing"

	"coldset/internal/rules"
)

// The safety page never says "on hold" above "No holds": after a producer's override
// the red level reads as overridden, and as held while other holds stand.
func TestLevelWordsAfterAnOverride(t *testing.T) {
	redHold := rules.HoldView{ID: rules.RiskRedHold}
	liveRound := rules.HoldView{ID: rules.NoLiveAmmo}
	atBreak := rules.HoldView{ID: rules.SecureAtBreak, Firearm: "colt-1"}
	tests := []struct {
		name  string
		level string
		holds []rules.HoldView
		want  string
	}{
		{"red, held", rules.Red, []rules.HoldView{redHold}, riskWords[rules.Red]},
		{"red, overridden, nothing else held", rules.Red, nil, redOverridden},
		{"red, overridden, a firearm held", rules.Red, []rules.HoldView{atBreak}, redOverridden},
		{"red, overridden, a live-round hold stands", rules.Red, []rules.HoldView{liveRound}, redOverriddenHeld},
		{"amber", rules.Amber, nil, riskWords[rules.Amber]},
		{"green", rules.Green, nil, riskWords[rules.Green]},
	}
	for _, tt := range tests {
		ov := rules.Overview{Risk: rules.Risk{Level: tt.level}, Holds: tt.holds}
		if got := levelWords(ov); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
}
