package record

import (
	"encoding/json"
	"runtime"
	"slices"
	"testing"
	"time"

	"coldset/internal/ledger"
	"coldset/internal/rules"
)

func entry(i uint64, at time.Time, actor, typ string, p any) ledger.Entry {
	b, err := json.Marshal(p)
	if err != nil {
		panic(err)
	}
	return ledger.Entry{Index: i, Time: at, Actor: actor, Type: typ, Payload: b}
}

func TestBookFoldsWhatPeopleRead(t *testing.T) {
	day := time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)
	b := New()
	for _, e := range []ledger.Entry{
		entry(1, day, "", rules.PersonAdd, rules.PersonData{ID: "kim", Roles: []string{"actor"}}),
		entry(2, day, "kim", rules.TrainingRequest, rules.RequestData{ID: "tr-1", Type: "rifle", Hours: 2}),
		entry(3, day, "sol", rules.TrainingGrant, rules.DecisionData{Request: "tr-1"}),
		entry(4, day, "dan", rules.ScenePlan, rules.SceneData{Scene: "12"}),
		entry(5, day.AddDate(0, 0, 1), "dan", rules.ScenePlan, rules.SceneData{Scene: "12"}),
		entry(6, day, "pia", rules.HoldOverride, rules.HoldActionData{Reason: "answered"}),
		entry(7, day, "kim", rules.CrewWalkoff, rules.WalkoffData{People: []string{"kim", "leo"}}),
		entry(8, day, "sol", rules.TrainingDeny, rules.DecisionData{Request: "unknown"}),
	} {
		b.Fold(e)
	}
	if got, want := b.Person("kim"), []uint64{1, 2, 3, 7}; !slices.Equal(got, want) {
		t.Errorf("kim's record: got %v, want %v", got, want)
	}
	if got, want := b.Person("leo"), []uint64{7}; !slices.Equal(got, want) {
		t.Errorf("leo's record: got %v, want %v", got, want)
	}
	if q, ok := b.Request("tr-1"); !ok || q.Person != "kim" || q.Asked != 2 || q.Decided != 3 || q.Waiting() {
		t.Errorf("request tr-1: got %+v, %v", q, ok)
	}
	if got, want := b.Overrides(), []uint64{6}; !slices.Equal(got, want) {
		t.Errorf("overrides: got %v, want %v", got, want)
	}
	if got, want := b.Day(day.Add(-time.Hour), day.Add(time.Hour)), []uint64{4}; !slices.Equal(got, want) {
		t.Errorf("the day: got %v, want %v", got, want)
	}
	if got, want := b.Scenes(), []string{"12"}; !slices.Equal(got, want) {
		t.Errorf("scenes: got %v, want %v", got, want)
	}
}

// BenchmarkBookHeap folds 10,000 entries of the kinds a Book keeps (the worst case
// for its memory) and reports the heap it holds.
func BenchmarkBookHeap(b *testing.B) {
	day := time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)
	es := make([]ledger.Entry, 10_000)
	for i := range es {
		switch i % 4 {
		case 0:
			es[i] = entry(uint64(i), day, "dan", rules.SetCall, rules.CallData{Call: "hot", Firearm: "f-1", Scene: "12"})
		case 1:
			es[i] = entry(uint64(i), day, "ana", rules.TrainingRecord, rules.TrainingData{Person: "kim", Type: "rifle", Hours: 1})
		case 2:
			es[i] = entry(uint64(i), day, "pia", rules.HoldOverride, rules.HoldActionData{Reason: "answered"})
		case 3:
			es[i] = entry(uint64(i), day, "kim", rules.TrainingRequest, rules.RequestData{ID: "tr-" + string(rune('a'+i%26)) + time.Duration(i).String(), Type: "rifle", Hours: 1})
		}
	}
	var held uint64
	for range b.N {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		bk := New()
		for _, e := range es {
			bk.Fold(e)
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		held = after.HeapAlloc - before.HeapAlloc
		runtime.KeepAlive(bk)
	}
	b.ReportMetric(float64(held), "heap-B/10k")
}
