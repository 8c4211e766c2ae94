package production_test

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"coldset/internal/ledger"
	"coldset/internal/production"
	"coldset/internal/rules"
	"coldset/internal/store/storetest"
)

// fuzzSetUp is the production every fuzzed script starts from: its people, a firearm,
// a lot of blanks and a verified lot of dummies, and the morning's safety meeting.
var fuzzSetUp = []struct{ as, do, with string }{
	{"", "person.add", `{"id":"ana","name":"Ana","roles":["armorer"],"certified_until":"2027-01-01"}`},
	{"", "person.add", `{"id":"dan","name":"Dan","roles":["first_ad"],"department":"ad","department_head":true}`},
	{"", "person.add", `{"id":"kim","name":"Kim","roles":["actor"],"training":{"revolver":3,"blank_fire":4}}`},
	{"", "person.add", `{"id":"raf","name":"Raf","roles":["camera"],"department":"camera","department_head":true}`},
	{"", "person.add", `{"id":"sol","name":"Sol","roles":["safety_officer"]}`},
	{"", "person.add", `{"id":"pia","name":"Pia","roles":["producer"]}`},
	{"ana", "firearm.register", `{"id":"colt-1","serial":"K1","type":"revolver","capability":"blank_fire"}`},
	{"ana", "ammo.receive", `{"lot":"blanks-1","kind":"blank","caliber":".45 Colt","count":60,"supplier":"Acme","receipt":"R-1"}`},
	{"ana", "ammo.receive", `{"lot":"dummies-1","kind":"dummy","caliber":".45 Colt","count":12,"supplier":"Acme","receipt":"R-2"}`},
	{"ana", "ammo.verify", `{"lot":"dummies-1","method":"rattle","count":12}`},
	{"dan", "safety_meeting.hold", `{"attendees":["ana","dan","kim","raf","sol"],"topics":["blanks"]}`},
}

// fuzzActor is who a script line names: a person of the set-up, anyone else by id
// (not on the production), "anon" for an anonymous reporter, "-" for the deployment.
func fuzzActor(name string) rules.Actor {
	switch name {
	case "-":
		return rules.Actor{}
	case "anon":
		return rules.Actor{Anonymous: true, Receipt: "receipt-1"}
	}
	return rules.Actor{Person: name}
}

// fuzzStep is one line of a script: "<actor> <minutes later> <action> <with>".
type fuzzStep struct {
	by    rules.Actor
	after time.Duration
	cmd   rules.Command
}

// parseScript reads at most 16 steps; lines that are not steps are skipped.
func parseScript(script []byte) []fuzzStep {
	var steps []fuzzStep
	for _, line := range bytes.Split(script, []byte("\n")) {
		f := strings.SplitN(string(line), " ", 4)
		if len(f) < 3 {
			continue
		}
		mins, err := strconv.ParseUint(f[1], 10, 16)
		if err != nil {
			continue
		}
		st := fuzzStep{by: fuzzActor(f[0]), after: time.Duration(mins) * time.Minute, cmd: rules.Command{Do: f[2]}}
		if len(f) == 4 {
			st.cmd.With = json.RawMessage(f[3])
		}
		if steps = append(steps, st); len(steps) == 16 {
			break
		}
	}
	return steps
}

// FuzzDecideThenRebuild plays a script of actions on a production kept in SQLite: each
// goes through the real decoding, the rules and an append, as the server sends it.
// Nothing may panic or fail to append, and a production reopened from its stored
// entries, as after a restart, must have the state and overview of the live one, an
// overview that encodes as JSON.
func FuzzDecideThenRebuild(f *testing.F) {
	for _, seed := range []string{
		"ana 0 firearm.inspect {\"firearm\":\"colt-1\",\"load\":\"blank\",\"lot\":\"blanks-1\",\"rounds\":5}\n" +
			"ana 1 firearm.handoff {\"firearm\":\"colt-1\",\"to\":\"kim\"}\n" +
			"kim 1 firearm.accept {\"firearm\":\"colt-1\",\"load_seen\":\"blank\",\"rounds\":5}\n" +
			"kim 5 firearm.discharge {\"firearm\":\"colt-1\",\"planned\":false,\"injuries\":1}",
		"ana 0 training.record {\"person\":\"kim\",\"type\":\"revolver\",\"hours\":1.7976931348623157e308}\n" +
			"ana 0 training.record {\"person\":\"kim\",\"type\":\"revolver\",\"hours\":1.7976931348623157e308}\n" +
			"kim 0 training.request {\"id\":\"r1\",\"type\":\"rifle\",\"hours\":1e400}",
		"raf 0 concern.file {\"id\":\"c1\",\"category\":\"firearms\",\"severity\":\"critical\",\"text\":\"x\"}\n" +
			"- 1500 hold.clear\nsol 0 hold.clear\npia 0 hold.override {\"reason\":\"go on\"}",
		"anon 0 concern.file {\"id\":\"c2\",\"category\":\"conduct\",\"severity\":\"low\",\"text\":\"y\"}\n" +
			"sol 60 concern.dismiss {\"concern\":\"c2\",\"reason\":\"no\"}\nanon 0 concern.reopen {\"concern\":\"c2\"}",
		"ana 0 ammo.expend {\"lot\":\"blanks-1\",\"count\":5}\nana 0 ammo.reconcile {\"lot\":\"blanks-1\",\"counted\":50}\n" +
			"dan 0 break.start {\"kind\":\"wrap\"}\nsol 0 incident.close {\"incident\":\"missing-rounds-1\",\"findings\":\"f\",\"actions\":\"a\"}",
		"dan 0 scene.plan {\"scene\":12,\"firearms\":[\"colt-1\"],\"toward\":\"camera\",\"protections\":[\"min_distance\"],\"distance_ft\":25}\n" +
			"dan 0 set.call {\"call\":\"hot\",\"firearm\":\"colt-1\",\"scene\":\"12\"}\nraf 0 crew.walkoff {\"people\":[\"kim\"],\"reason\":\"r\",\"safety\":true}",
		"zed 0 round.found {\"kind\":\"live\",\"where\":\"truck\",\"lot\":\"dummies-1\"}\n- 0 person.add {\"id\":\"x\",\"name\":\"X\",\"roles\":[\"armorer\",\"crew\"]}",
	} {
		f.Add([]byte(seed))
	}
	st := storetest.OpenSQLite(f)
	signer, err := ledger.LoadOrCreateKey(f.TempDir() + "/coldset.key")
	if err != nil {
		f.Fatal(err)
	}
	var n atomic.Int64
	f.Fuzz(func(t *testing.T, script []byte) {
		ctx := context.Background()
		id := fmt.Sprintf("p-%d", n.Add(1))
		p, err := production.Open(ctx, st, signer, id)
		if err != nil {
			t.Fatal(err)
		}
		defer func() { p.Close() }()
		clock := start
		play := func(by rules.Actor, c rules.Command) rules.Result {
			t.Helper()
			res, err := p.Do(ctx, by, c, clock)
			if err != nil {
				t.Fatalf("%s %s: %v", c.Do, c.With, err)
			}
			if res.Outcome == rules.Refused && (res.Rule == "" || res.Message == "") {
				t.Fatalf("%s %s: refused without rule or message: %+v", c.Do, c.With, res)
			}
			return res
		}
		setUp := append([]struct{ as, do, with string }{{"", "production.create", `{"id":"` + id + `","name":"Fuzz","timezone":"America/Denver"}`}}, fuzzSetUp...)
		for _, s := range setUp {
			if res := play(fuzzActor(cmp.Or(s.as, "-")), rules.Command{Do: s.do, With: json.RawMessage(s.with)}); res.Outcome != rules.OK {
				t.Fatalf("set-up %s: %s %s", s.do, res.Rule, res.Message)
			}
		}
		for _, s := range parseScript(script) {
			clock = clock.Add(s.after)
			play(s.by, s.cmd)
		}

		live := snapshotOverview(t, p)
		p.Close()
		p, err = production.Open(ctx, st, signer, id)
		if err != nil {
			t.Fatalf("reopen: %v", err)
		}
		rebuilt := snapshotOverview(t, p)
		if !bytes.Equal(live.json, rebuilt.json) {
			t.Errorf("rebuilt overview differs:\n%s\nlive:\n%s", rebuilt.json, live.json)
		}
		if !reflect.DeepEqual(live.state, rebuilt.state) {
			t.Errorf("rebuilt state differs from the live state")
		}
	})
}

type overviewSnap struct {
	json  []byte
	state *rules.State
}

// snapshotOverview reads the production's overview, which must encode as JSON.
func snapshotOverview(t *testing.T, p *production.Production) overviewSnap {
	t.Helper()
	var o rules.Overview
	var s overviewSnap
	p.View(func(st *rules.State) { o, s.state = st.Overview(), st })
	data, err := json.Marshal(o)
	if err != nil {
		t.Fatalf("overview does not encode: %v", err)
	}
	s.json = data
	return s
}
