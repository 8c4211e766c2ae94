package rules

import (
	"strings"
	"testing"
)

func TestConcernReply(t *testing.T) {
	f := dayFixture(t, "")
	f.must(fileConcern("anonymous", "c1", "conduct", "high"))
	f.must(fileConcern("cam", "c2", "equipment", "low"))
	reply := func(as, concern, text string) step {
		return step{as: as, do: "concern.reply", with: `{"concern":"` + concern + `","text":"` + text + `"}`}
	}
	cases := []struct {
		name string
		st   step
		want want
		from string // the side the reply is recorded from, when accepted
	}{
		{"the safety officer answers an anonymous concern", reply("sol", "c1", "which unit?"), want{}, ReplyFromStaff},
		{"the holder of the receipt answers", reply("anonymous", "c1", "the second unit"), want{}, ReplyFromReporter},
		{"another receipt: role-required", reply("anonymous-other", "c1", "me too"), want{rule: RoleRequired}, ""},
		{"a receipt on a named concern: role-required", reply("anonymous", "c2", "hello"), want{rule: RoleRequired}, ""},
		{"a crew member who does not handle it: role-required", reply("kim", "c1", "was it me?"), want{rule: RoleRequired}, ""},
		{"the named reporter answers", reply("cam", "c2", "the dolly track is loose"), want{}, ReplyFromReporter},
		{"the reporter's department head answers", reply("raf", "c2", "fixing it"), want{}, ReplyFromStaff},
		{"a producer answers", reply("pia", "c2", "noted"), want{}, ReplyFromStaff},
		{"without words: invalid, naming text", reply("sol", "c1", " "), want{rule: Invalid, field: "with.text"}, ""},
		{"an unknown concern: invalid, naming concern", reply("sol", "c9", "x"), want{rule: Invalid, field: "with.concern"}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := f.s.Risk()
			evs := f.doEvents(tc.st)
			tc.want.check(t, f, Summarize(evs))
			if tc.from == "" {
				return
			}
			if len(evs) != 1 || evs[0].Type != "concern.reply" {
				t.Fatalf("events %v, want one concern.reply and no consequences", evs)
			}
			if !strings.Contains(string(evs[0].Data), `"from":"`+tc.from+`"`) {
				t.Errorf("reply %s, want from %q", evs[0].Data, tc.from)
			}
			if strings.HasPrefix(tc.st.as, "anonymous") && (evs[0].Actor != "" || strings.Contains(string(evs[0].Data), "receipt-")) {
				t.Errorf("anonymous reply identifies its writer: actor %q data %s", evs[0].Actor, evs[0].Data)
			}
			if got := f.s.Risk(); got.Level != before.Level {
				t.Errorf("a reply changed the risk from %s to %s", before.Level, got.Level)
			}
		})
	}
}

func TestConcernReplyOnClosedConcern(t *testing.T) {
	f := dayFixture(t, "")
	f.must(fileConcern("anonymous", "c1", "conduct", "high"))
	f.must(step{as: "sol", do: "concern.dismiss", with: `{"concern":"c1","reason":"not a safety matter"}`})
	f.must(step{as: "anonymous", do: "concern.reply", with: `{"concern":"c1","text":"it is: people were hurt last year"}`})
	if got := f.s.Overview().Concerns[0].Status; got != "dismissed" {
		t.Errorf("status after a reply %q, want dismissed", got)
	}
	// A reply folds back from the ledger: a fresh state replays it.
	s := New()
	for _, e := range f.log {
		if err := s.Apply(e); err != nil {
			t.Fatalf("replay %s: %v", e.Type, err)
		}
	}
	if err := New().Apply(Event{Type: "concern.reply", Data: []byte(`{"concern":"c1","text":"x","from":"staff"}`)}); err == nil {
		t.Error("a reply before the production exists applied")
	}
}
