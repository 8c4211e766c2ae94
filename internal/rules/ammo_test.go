package rules

import (
	"testing"
	"time"
)

func TestAmmunition(t *testing.T) {
	runCases(t, []ruleCase{
		{name: "receive refused: a live lot",
			step: step{as: "ana", do: "ammo.receive", with: `{"lot":"live-1","kind":"live","caliber":".45 Colt","count":50,"supplier":"Acme","receipt":"R1"}`},
			want: want{rule: NoLiveAmmo}},
		{name: "receive accepted: blanks with supplier and receipt",
			step: step{as: "ana", do: "ammo.receive", with: `{"lot":"blanks-2","kind":"blank","caliber":".45 Colt","count":50,"supplier":"Acme","receipt":"R1"}`},
			want: want{flags: none, risk: Green}},
		{name: "receive flagged: no receipt",
			step: step{as: "ana", do: "ammo.receive", with: `{"lot":"box-b","kind":"dummy","caliber":".45 Colt","count":24,"supplier":"Acme"}`},
			want: want{flags: []string{KnownSupplier}, risk: Amber}},
		{name: "receive flagged: neither supplier nor receipt",
			step: step{as: "ana", do: "ammo.receive", with: `{"lot":"box-b","kind":"blank","caliber":".45 Colt","count":24}`},
			want: want{flags: []string{KnownSupplier}}},
		{name: "inspect refused: loading from a lot without provenance", setup: []step{
			{as: "ana", do: "ammo.receive", with: `{"lot":"box-b","kind":"blank","caliber":".45 Colt","count":24}`}},
			step: step{as: "ana", do: "firearm.inspect", with: `{"firearm":"colt-1","load":"blank","lot":"box-b","rounds":6}`},
			want: want{rule: KnownSupplier}},
		{name: "provenance recorded: the flag ends and loading is allowed", setup: []step{
			{as: "ana", do: "ammo.receive", with: `{"lot":"box-b","kind":"blank","caliber":".45 Colt","count":24}`},
			{as: "ana", do: "ammo.provenance", with: `{"lot":"box-b","supplier":"Acme","receipt":"R-90"}`}},
			step: step{as: "ana", do: "firearm.inspect", with: `{"firearm":"colt-1","load":"blank","lot":"box-b","rounds":6}`},
			want: want{risk: Green}},
		{name: "inspect refused: dummy lot not verified", setup: []step{
			{as: "ana", do: "ammo.receive", with: `{"lot":"dummies-2","kind":"dummy","caliber":".45 Colt","count":12,"supplier":"Acme","receipt":"R1"}`}},
			step: step{as: "ana", do: "firearm.inspect", with: `{"firearm":"colt-1","load":"dummy","lot":"dummies-2","rounds":6}`},
			want: want{rule: DummyVerified}},
		{name: "inspect refused: unverified and no provenance names dummy-verified first", setup: []step{
			{as: "ana", do: "ammo.receive", with: `{"lot":"box-b","kind":"dummy","caliber":".45 Colt","count":24}`}},
			step: step{as: "ana", do: "firearm.inspect", with: `{"firearm":"colt-1","load":"dummy","lot":"box-b","rounds":6}`},
			want: want{rule: DummyVerified}},
		{name: "inspect accepted: verified dummy lot",
			step: inspectDummies, want: want{flags: none}},
		{name: "verify refused: counted 11 of a lot of 12", setup: []step{
			{as: "ana", do: "ammo.receive", with: `{"lot":"dummies-2","kind":"dummy","caliber":".45 Colt","count":12,"supplier":"Acme","receipt":"R1"}`}},
			step: step{as: "ana", do: "ammo.verify", with: `{"lot":"dummies-2","method":"xray","count":11}`},
			want: want{rule: DummyVerified}},
		{name: "verify refused: a blank lot is not verified",
			step: step{as: "ana", do: "ammo.verify", with: `{"lot":"blanks-1","method":"rattle","count":60}`},
			want: want{rule: Invalid, field: "with.lot"}},
		{name: "inspect refused: a blank lot named for a dummy load",
			step: step{as: "ana", do: "firearm.inspect", with: `{"firearm":"colt-1","load":"dummy","lot":"blanks-1","rounds":6}`},
			want: want{rule: Invalid, field: "with.lot"}},
		{name: "round found: live-round incident, production on hold",
			step: step{as: "cam", do: "round.found", with: `{"kind":"unknown","where":"prop cart"}`},
			want: want{incidents: []string{IncidentLiveRound}, holds: []string{NoLiveAmmo, RiskRedHold}, risk: Red}},
		{name: "round found in a dummy lot: it loses its verification", setup: []step{
			{as: "cam", do: "round.found", with: `{"kind":"live","where":"dummy box","lot":"dummies-1"}`}},
			step: inspectDummies, want: want{rule: DummyVerified}},
		{name: "no override for a live round", setup: []step{
			{as: "cam", do: "round.found", with: `{"kind":"live","where":"cart"}`}},
			step: overrideHold, want: want{holds: []string{NoLiveAmmo}}},
		{name: "closing the live-round incident lifts no-live-ammo", setup: []step{
			{as: "cam", do: "round.found", with: `{"kind":"live","where":"cart"}`}},
			step: step{as: "sol", do: "incident.close", with: `{"incident":"live-round-1","findings":"a live round in a dummy box","actions":"all lots x-rayed"}`},
			want: want{holds: []string{RiskRedHold}, risk: Green}},
		{name: "expend refused: more than on hand",
			step: step{as: "ana", do: "ammo.expend", with: `{"lot":"dummies-1","count":13}`},
			want: want{rule: Invalid, field: "with.count"}},
	})
}

func TestRoundCount(t *testing.T) {
	wrap := step{as: "dan", do: "break.start", with: `{"kind":"wrap"}`}
	useBlanks := []step{inspectBlanks, {as: "ana", do: "ammo.expend", with: `{"lot":"blanks-1","count":5}`}}
	runCases(t, []ruleCase{
		{name: "reconcile flagged: counted 54, expected 55", setup: useBlanks,
			step: step{as: "ana", do: "ammo.reconcile", with: `{"lot":"blanks-1","counted":54}`},
			want: want{flags: []string{RoundCount}, incidents: []string{IncidentMissingRounds}, holds: []string{RiskRedHold}, risk: Red}},
		{name: "reconcile accepted: counted what was expected", setup: useBlanks,
			step: step{as: "ana", do: "ammo.reconcile", with: `{"lot":"blanks-1","counted":55}`},
			want: want{flags: none, incidents: none, risk: Green}},
		{name: "wrap flagged: a lot used today and not counted", setup: useBlanks,
			step: wrap, want: want{flags: []string{RoundCount}, incidents: none, risk: Amber}},
		{name: "wrap flagged: a lot used after its count", setup: append(useBlanks,
			step{as: "ana", do: "ammo.reconcile", with: `{"lot":"blanks-1","counted":55}`}, inspectBlanks),
			step: wrap, want: want{flags: []string{RoundCount}}},
		{name: "wrap: every lot counted after its last use", setup: append(useBlanks,
			step{as: "ana", do: "ammo.reconcile", with: `{"lot":"blanks-1","counted":55}`}),
			step: wrap, want: want{flags: none, risk: Green}},
		{name: "wrap: a lot used yesterday is not today's", setup: append(useBlanks, step{after: 24 * time.Hour}),
			step: wrap, want: want{flags: none}},
		{name: "counting the lot after wrap ends the flag", setup: append(useBlanks, wrap),
			step: step{as: "ana", do: "ammo.reconcile", with: `{"lot":"blanks-1","counted":55}`},
			want: want{flags: none, risk: Green}},
		{name: "closing the missing-rounds incident ends the flag", setup: append(useBlanks,
			step{as: "ana", do: "ammo.reconcile", with: `{"lot":"blanks-1","counted":54}`}),
			step: step{as: "sol", do: "incident.close", with: `{"incident":"missing-rounds-1","findings":"one blank fired in rehearsal","actions":"count after each take"}`},
			want: want{risk: Green, holds: []string{RiskRedHold}}},
	})
}
