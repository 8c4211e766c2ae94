package rules

import "testing"

func TestPeopleAndTraining(t *testing.T) {
	dual := step{as: "pia", do: "person.add", with: `{"id":"arm","name":"Arm","roles":["armorer","prop_master"],"certified_until":"2027-01-01"}`}
	request := step{as: "leo", do: "training.request", with: `{"id":"more","type":"revolver","hours":4,"note":"cross-draw"}`}
	deny := step{as: "pia", do: "training.deny", with: `{"request":"more","reason":"no time"}`}
	runCases(t, []ruleCase{
		{name: "armorer and prop master: flagged", step: dual, want: want{flags: []string{ArmorerDualRole}, risk: Amber}},
		{name: "armorer and investigator: not flagged",
			step: step{as: "pia", do: "person.add", with: `{"id":"arm","name":"Arm","roles":["armorer","investigator"]}`},
			want: want{flags: none, risk: Green}},
		{name: "armorer and prop master where the production refuses it", config: `{"armorer_dual_role":"refuse"}`,
			step: dual, want: want{rule: ArmorerDualRole}},
		{name: "roles changed to armorer only: the flag ends", setup: []step{dual},
			step: step{as: "sol", do: "person.roles", with: `{"person":"arm","roles":["armorer"]}`}, want: want{flags: none, risk: Green}},
		{name: "the combination goes on: no second flag", setup: []step{dual},
			step: step{as: "sol", do: "person.roles", with: `{"person":"arm","roles":["armorer","prop_master","crew"]}`}, want: want{flags: none, risk: Amber}},
		{name: "the combination begins again: flagged again",
			setup: []step{dual, {as: "sol", do: "person.roles", with: `{"person":"arm","roles":["armorer"]}`}},
			step:  step{as: "sol", do: "person.roles", with: `{"person":"arm","roles":["armorer","crew"]}`}, want: want{flags: []string{ArmorerDualRole}}},
		{name: "person added by an actor: role-required",
			step: step{as: "kim", do: "person.add", with: `{"id":"x","name":"X","roles":["crew"]}`}, want: want{rule: RoleRequired}},
		{name: "person added twice: invalid",
			step: step{as: "pia", do: "person.add", with: `{"id":"kim","name":"Kim","roles":["crew"]}`}, want: want{rule: Invalid, field: "with.id"}},
		{name: "register refused: certification expired yesterday",
			step: step{as: "bo", do: "firearm.register", with: `{"id":"p-1","serial":"P1","type":"pistol","capability":"blank_fire"}`},
			want: want{rule: ArmorerCertified}},
		{name: "register accepted: certified through today", setup: []step{
			{as: "sol", do: "certification.record", with: `{"person":"bo","kind":"armorer","until":"2026-03-02"}`}},
			step: step{as: "bo", do: "firearm.register", with: `{"id":"p-1","serial":"P1","type":"pistol","capability":"blank_fire"}`}},
		{name: "inspect by a first AD: role-required, not armorer-certified",
			step: step{as: "dan", do: "firearm.inspect", with: `{"firearm":"colt-1","load":"empty"}`}, want: want{rule: RoleRequired}},
		{name: "training denied: flagged", setup: []step{request},
			step: deny, want: want{flags: []string{TrainingDenied}, risk: Amber}},
		{name: "training granted: recorded, not flagged", setup: []step{request},
			step: step{as: "pia", do: "training.grant", with: `{"request":"more"}`}, want: want{flags: none, risk: Green}},
		{name: "training denied twice: invalid", setup: []step{request, deny},
			step: deny, want: want{rule: Invalid, field: "with.request"}},
		{name: "training denied by the first AD: role-required", setup: []step{request},
			step: step{as: "dan", do: "training.deny", with: `{"request":"more","reason":"no"}`}, want: want{rule: RoleRequired}},
		{name: "hours recorded short of the request: the flag stays", setup: []step{request, deny},
			step: step{as: "ana", do: "training.record", with: `{"person":"leo","type":"revolver","hours":2}`}, want: want{risk: Amber}},
		{name: "hours recorded up to the request: the flag ends", setup: []step{request, deny},
			step: step{as: "ana", do: "training.record", with: `{"person":"leo","type":"revolver","hours":3}`}, want: want{risk: Green}},
		{name: "hours of another type: the flag stays", setup: []step{request, deny},
			step: step{as: "ana", do: "training.record", with: `{"person":"leo","type":"rifle","hours":9}`}, want: want{risk: Amber}},
		{name: "training recorded by an actor: role-required",
			step: step{as: "kim", do: "training.record", with: `{"person":"kim","type":"revolver","hours":9}`}, want: want{rule: RoleRequired}},
		{name: "a person taken off the production cannot act", setup: []step{{as: "sol", do: "person.roles", with: `{"person":"leo","roles":[]}`}},
			step: request, want: want{rule: RoleRequired}},
		{name: "a person taken off the production cannot be named", setup: []step{{as: "sol", do: "person.roles", with: `{"person":"leo","roles":[]}`}},
			step: step{as: "dan", do: "safety_meeting.hold", with: `{"attendees":["leo"]}`}, want: want{rule: RoleRequired}},
		{name: "the system adds people without a role",
			step: step{do: "person.add", with: `{"id":"x","name":"X","roles":["crew"]}`}},
		{name: "the system may not register a firearm",
			step: step{do: "firearm.register", with: `{"id":"p-1","serial":"P1","type":"pistol","capability":"blank_fire"}`}, want: want{rule: RoleRequired}},
		{name: "someone never added: role-required",
			step: step{as: "zed", do: "concern.file", with: `{"id":"c1","category":"other","severity":"low","text":"x"}`}, want: want{rule: RoleRequired}},
	})
}
