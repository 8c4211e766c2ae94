package rules

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestInvalidCommands(t *testing.T) {
	cases := []struct {
		name, as, do, with string
		field              string
		message            string // a word the message must hold
	}{
		{"unknown action", "ana", "firearm.polish", `{}`, "do", "firearm.polish"},
		{"with is not a map", "ana", "firearm.return", `["colt-1"]`, "with", "map"},
		{"with is not JSON", "ana", "firearm.return", `{"firearm":`, "with", "valid"},
		{"missing field", "ana", "firearm.return", `{}`, "with.firearm", "missing"},
		{"unknown field", "ana", "firearm.return", `{"firearm":"colt-1","gun":"x"}`, "with.gun", "gun"},
		{"unknown field in other case", "ana", "firearm.return", `{"Firearm":"colt-1"}`, "with.Firearm", "Firearm"},
		{"ill-typed field", "ana", "ammo.expend", `{"lot":"blanks-1","count":"five"}`, "with.count", "whole number"},
		{"fractional count", "ana", "ammo.expend", `{"lot":"blanks-1","count":1.5}`, "with.count", "whole number"},
		{"negative count", "ana", "ammo.reconcile", `{"lot":"blanks-1","counted":-1}`, "with.counted", "at least 0"},
		{"string for a bool", "kim", "firearm.discharge", `{"firearm":"colt-1","planned":"no"}`, "with.planned", "true or false"},
		{"unknown firearm", "ana", "firearm.inspect", `{"firearm":"colt-9","load":"empty"}`, "with.firearm", "colt-9"},
		{"unknown lot", "ana", "ammo.verify", `{"lot":"lot-9","method":"rattle","count":1}`, "with.lot", "lot-9"},
		{"unknown person", "ana", "firearm.handoff", `{"firearm":"colt-1","to":"zed"}`, "with.to", "zed"},
		{"unknown concern", "sol", "concern.ack", `{"concern":"c9"}`, "with.concern", "c9"},
		{"unknown incident", "sol", "incident.close", `{"incident":"i9","findings":"f","actions":"a"}`, "with.incident", "i9"},
		{"unknown request", "pia", "training.grant", `{"request":"r9"}`, "with.request", "r9"},
		{"bad enum", "ana", "firearm.inspect", `{"firearm":"colt-1","load":"live"}`, "with.load", "empty, dummy, blank"},
		{"bad id pattern", "ana", "firearm.register", `{"id":"Colt 1","serial":"K","type":"revolver","capability":"blank_fire"}`, "with.id", "lowercase"},
		{"id already used", "ana", "firearm.register", `{"id":"colt-1","serial":"K","type":"revolver","capability":"blank_fire"}`, "with.id", "already"},
		{"bad date", "sol", "certification.record", `{"person":"bo","kind":"armorer","until":"next year"}`, "with.until", "date"},
		{"bad role", "sol", "person.add", `{"id":"x","name":"X","roles":["gunslinger"]}`, "with.roles", "gunslinger"},
		{"training of an unknown type", "sol", "person.add", `{"id":"x","name":"X","roles":["actor"],"training":{"musket":2}}`, "with.training.musket", "training type"},
		{"empty attendees", "dan", "safety_meeting.hold", `{"attendees":[]}`, "with.attendees", "empty"},
		{"rounds missing for a loaded firearm", "ana", "firearm.inspect", `{"firearm":"colt-1","load":"blank","lot":"blanks-1"}`, "with.rounds", "missing"},
		{"a lot for an empty firearm", "ana", "firearm.inspect", `{"firearm":"colt-1","load":"empty","lot":"blanks-1"}`, "with.lot", "empty"},
		{"zero hours", "sol", "training.record", `{"person":"kim","type":"revolver","hours":0}`, "with.hours", "more than 0"},
		{"a second production.create", "", "production.create", `{"id":"dry-creek","name":"D","timezone":"UTC"}`, "do", "already"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := dayFixture(t, "")
			res := f.do(step{as: tc.as, do: tc.do, with: tc.with})
			if res.Outcome != Refused || res.Rule != Invalid || res.Field != tc.field {
				t.Fatalf("got %s %s field %q (%s), want invalid field %q", res.Outcome, res.Rule, res.Field, res.Message, tc.field)
			}
			if !strings.Contains(res.Message, tc.message) {
				t.Errorf("message %q does not say %q", res.Message, tc.message)
			}
		})
	}
}

func TestYAMLShapedInput(t *testing.T) {
	runCases(t, []ruleCase{
		{name: "a date that YAML made a timestamp",
			step: step{as: "sol", do: "certification.record", with: `{"person":"bo","kind":"armorer","until":"2027-01-01T00:00:00Z"}`}},
		{name: "a number for a serial",
			step: step{as: "ana", do: "firearm.register", with: `{"id":"p1","serial":12345,"type":"pistol","capability":"non_firing"}`}},
		{name: "a key without a value is absent",
			step: step{as: "raf", do: "crew.walkoff", with: `{"people":["cam"],"reason":"over safety","hours and lodging":null,"safety":true}`},
			want: want{flags: []string{Walkoff}}},
	})
}

func TestProductionConfig(t *testing.T) {
	cases := []struct {
		name, config, field string
	}{
		{"inspect window 5m: stricter, accepted", `{"inspect_window":"5m"}`, ""},
		{"inspect window 10m: the default, accepted", `{"inspect_window":"10m"}`, ""},
		{"inspect window 15m: laxer, refused", `{"inspect_window":"15m"}`, "with.config.inspect_window"},
		{"inspect window 0s: refused", `{"inspect_window":"0s"}`, "with.config.inspect_window"},
		{"inspect window not a duration: refused", `{"inspect_window":"ten"}`, "with.config.inspect_window"},
		{"dual role refuse: accepted", `{"armorer_dual_role":"refuse"}`, ""},
		{"dual role warn: refused", `{"armorer_dual_role":"warn"}`, "with.config.armorer_dual_role"},
		{"training any 3: stricter, accepted", `{"training_hours":{"any":3}}`, ""},
		{"training any 1: laxer, refused", `{"training_hours":{"any":1}}`, "with.config.training_hours.any"},
		{"training blank_fire 3: laxer, refused", `{"training_hours":{"any":2,"blank_fire":3}}`, "with.config.training_hours.blank_fire"},
		{"training hours of an unknown kind: refused", `{"training_hours":{"rifle":3}}`, "with.config.training_hours.rifle"},
		{"an unknown key: refused", `{"min_distance_ft":30}`, "with.config.min_distance_ft"},
		{"training any 1000: stricter, accepted", `{"training_hours":{"any":1000}}`, ""},
		{"training any the largest float: refused", `{"training_hours":{"any":1.7976931348623157e308}}`, "with.config.training_hours.any"},
		{"training blank_fire 1001: refused", `{"training_hours":{"blank_fire":1001}}`, "with.config.training_hours.blank_fire"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := New()
			with := `{"id":"p","name":"P","timezone":"America/Denver","config":` + tc.config + `}`
			res := Summarize(s.Decide(Actor{}, Command{Do: "production.create", With: json.RawMessage(with)}, time.Now()))
			if tc.field == "" && res.Outcome != OK {
				t.Fatalf("refused %s %s: %s", res.Rule, res.Field, res.Message)
			}
			if tc.field != "" && (res.Rule != Invalid || res.Field != tc.field) {
				t.Fatalf("got %s %s field %q, want invalid %q", res.Outcome, res.Rule, res.Field, tc.field)
			}
		})
	}
	t.Run("production.create by a person: role-required", func(t *testing.T) {
		res := Summarize(New().Decide(Actor{Person: "pia"}, Command{Do: "production.create", With: json.RawMessage(`{"id":"p","name":"P","timezone":"UTC"}`)}, time.Now()))
		if res.Rule != RoleRequired {
			t.Errorf("got %s %s, want role-required", res.Outcome, res.Rule)
		}
	})
	t.Run("an action before production.create: invalid", func(t *testing.T) {
		res := Summarize(New().Decide(Actor{}, Command{Do: "person.add", With: json.RawMessage(`{"id":"x","name":"X","roles":["crew"]}`)}, time.Now()))
		if res.Rule != Invalid || res.Field != "do" {
			t.Errorf("got %s %s %q, want invalid do", res.Outcome, res.Rule, res.Field)
		}
	})
	t.Run("an unknown timezone: invalid", func(t *testing.T) {
		res := Summarize(New().Decide(Actor{}, Command{Do: "production.create", With: json.RawMessage(`{"id":"p","name":"P","timezone":"Mars/Olympus"}`)}, time.Now()))
		if res.Rule != Invalid || res.Field != "with.timezone" {
			t.Errorf("got %s %s %q, want invalid with.timezone", res.Outcome, res.Rule, res.Field)
		}
	})
}

func TestRuleIDsAreExplained(t *testing.T) {
	ids := []string{NoLiveAmmo, DummyVerified, KnownSupplier, ArmorerCertified, ArmorerDualRole, InspectBeforeHandoff,
		ShowAndConfirm, TrainingRequired, SafetyMeetingFirst, LineOfFire, ColdCallVerified, SecureAtBreak, RoundCount,
		DischargeStopsWork, ConcernSLA, ConcernResolvedWithAction, AnonymousReporting, Walkoff, RiskRedHold, RoleRequired,
		Invalid, TrainingDenied, ConcernDismissed, Override, CriticalConcern}
	for _, id := range ids {
		if Explain(id) == "" {
			t.Errorf("no explanation for %s", id)
		}
	}
}

// TestNumbersOutOfBounds: every number an action carries is finite and within a bound
// no production reaches, or the action is refused invalid naming the field.
func TestNumbersOutOfBounds(t *testing.T) {
	const maxFloat = "1.7976931348623157e308"
	cases := []struct {
		name, as, do, with string
		field              string // "" when accepted
	}{
		{"training hours at the bound: accepted", "ana", "training.record", `{"person":"kim","type":"revolver","hours":1000}`, ""},
		{"training hours the largest float: refused", "ana", "training.record", `{"person":"kim","type":"revolver","hours":` + maxFloat + `}`, "with.hours"},
		{"training hours beyond any float: refused", "ana", "training.record", `{"person":"kim","type":"revolver","hours":1e400}`, "with.hours"},
		{"training hours just past the bound: refused", "ana", "training.record", `{"person":"kim","type":"revolver","hours":1000.5}`, "with.hours"},
		{"training hours negative: refused", "ana", "training.record", `{"person":"kim","type":"revolver","hours":-2}`, "with.hours"},
		{"training hours zero: refused", "ana", "training.record", `{"person":"kim","type":"revolver","hours":0}`, "with.hours"},
		{"training request of the largest float: refused", "kim", "training.request", `{"id":"r1","type":"revolver","hours":` + maxFloat + `}`, "with.hours"},
		{"training on record at person.add of the largest float: refused", "sol", "person.add", `{"id":"x","name":"X","roles":["actor"],"training":{"rifle":` + maxFloat + `}}`, "with.training.rifle"},
		{"training on record at person.add negative: refused", "sol", "person.add", `{"id":"x","name":"X","roles":["actor"],"training":{"rifle":-1}}`, "with.training.rifle"},
		{"lot of 100,000 rounds: accepted", "ana", "ammo.receive", `{"lot":"l2","kind":"blank","caliber":"9mm","count":100000,"supplier":"A","receipt":"R"}`, ""},
		{"lot of 100,001 rounds: refused", "ana", "ammo.receive", `{"lot":"l2","kind":"blank","caliber":"9mm","count":100001,"supplier":"A","receipt":"R"}`, "with.count"},
		{"lot count beyond a 32-bit number: refused", "ana", "ammo.receive", `{"lot":"l2","kind":"blank","caliber":"9mm","count":99999999999}`, "with.count"},
		{"lot count beyond a 64-bit number: refused", "ana", "ammo.receive", `{"lot":"l2","kind":"blank","caliber":"9mm","count":99999999999999999999}`, "with.count"},
		{"verification of a million rounds: refused", "ana", "ammo.verify", `{"lot":"dummies-1","method":"rattle","count":1000000}`, "with.count"},
		{"reconcile count past the bound: refused", "ana", "ammo.reconcile", `{"lot":"blanks-1","counted":100001}`, "with.counted"},
		{"inspection loading a million rounds: refused", "ana", "firearm.inspect", `{"firearm":"colt-1","load":"blank","lot":"blanks-1","rounds":1000000}`, "with.rounds"},
		{"acceptance declaring a million rounds: refused", "kim", "firearm.accept", `{"firearm":"colt-1","load_seen":"blank","rounds":1000000}`, "with.rounds"},
		{"discharge injuring 10,001: refused", "kim", "firearm.discharge", `{"firearm":"colt-1","planned":true,"injuries":10001}`, "with.injuries"},
		{"plan at the largest float of feet: refused", "dan", "scene.plan", `{"scene":"1","firearms":["colt-1"],"toward":"camera","protections":["min_distance"],"distance_ft":` + maxFloat + `}`, "with.distance_ft"},
		{"plan at 10,000 feet: accepted", "dan", "scene.plan", `{"scene":"1","firearms":["colt-1"],"toward":"camera","protections":["min_distance"],"distance_ft":10000}`, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := dayFixture(t, "")
			res := f.do(step{as: tc.as, do: tc.do, with: tc.with})
			if tc.field == "" {
				if res.Outcome != OK {
					t.Fatalf("refused %s %s: %s", res.Rule, res.Field, res.Message)
				}
				return
			}
			if res.Outcome != Refused || res.Rule != Invalid || res.Field != tc.field {
				t.Fatalf("got %s %s field %q (%s), want invalid field %q", res.Outcome, res.Rule, res.Field, res.Message, tc.field)
			}
			if !strings.HasPrefix(res.Message, tc.field+" ") {
				t.Errorf("message %q does not start with the field %s", res.Message, tc.field)
			}
			if _, err := json.Marshal(f.s.Overview()); err != nil {
				t.Errorf("overview after the refusal: %v", err)
			}
		})
	}
}
