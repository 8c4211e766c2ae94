package rules

import "testing"

func TestEscalationWho(t *testing.T) {
	for _, tc := range []struct {
		name string
		e    EscalationData
		want string
	}{
		{"level 1, named reporter", EscalationData{Level: 1, Roles: []string{"safety_officer", "department_head:grip"}}, "the safety officer, the head of grip"},
		{"level 3", EscalationData{Level: 3, Roles: []string{"producer", "studio_safety_contact"}}, "the producers, the studio safety contact"},
		{"level 4", EscalationData{Level: 4, Roles: []string{"union_safety_representative", "witness"}}, "the union safety representative, the witness"},
		{"no roles recorded: the level's words", EscalationData{Level: 2}, "the producers"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.e.Who(); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}
