package rules

import (
	"encoding/json"
	"strconv"
	"strings"
	"time"
)

// list decodes a list of strings; each must be an id when ids is set, or one of allowed
// when allowed is given. Duplicates are dropped.
func (r *reader) list(key string, required, ids bool, allowed ...string) []string {
	v := r.raw(key)
	if v == nil {
		if required {
			r.fail(key, "is missing")
		}
		return []string{}
	}
	var items []json.RawMessage
	if v[0] != '[' || json.Unmarshal(v, &items) != nil {
		r.fail(key, "must be a list")
		return []string{}
	}
	out := []string{}
	seen := map[string]bool{}
	for i, it := range items {
		var s string
		if len(it) > 0 && (it[0] == '-' || it[0] >= '0' && it[0] <= '9') && !ids && len(allowed) == 0 {
			s = string(it)
		} else if len(it) == 0 || it[0] != '"' || json.Unmarshal(it, &s) != nil {
			r.fail(key, "item %d must be text, not %s", i+1, it)
			return []string{}
		}
		s = strings.TrimSpace(s)
		switch {
		case ids && !validID(s):
			r.fail(key, "item %d: %q is not an id: use lowercase letters, digits and dashes", i+1, s)
			return []string{}
		case len(allowed) > 0 && !contains(allowed, s):
			r.fail(key, "item %d is %q; it must be one of: %s", i+1, s, strings.Join(allowed, ", "))
			return []string{}
		case s == "" || seen[s]:
			continue
		}
		seen[s] = true
		out = append(out, s)
	}
	if required && len(out) == 0 {
		r.fail(key, "is empty")
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// date decodes a calendar date "YYYY-MM-DD" (a full timestamp is accepted for its date,
// as YAML turns an unquoted date into one).
func (r *reader) date(key string, required bool) string {
	s := r.str(key, required, false)
	if s == "" {
		return ""
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t.Format(time.DateOnly)
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.Format(time.DateOnly)
	}
	r.fail(key, "is %q; it must be a date like 2027-01-31", s)
	return ""
}

// hoursMap decodes {type: hours} for training on record.
func (r *reader) hoursMap(key string) map[string]float64 {
	v := r.raw(key)
	if v == nil {
		return nil
	}
	var m map[string]json.RawMessage
	if v[0] != '{' || json.Unmarshal(v, &m) != nil {
		r.fail(key, "must be a map of training type to hours")
		return nil
	}
	out := map[string]float64{}
	for _, k := range sortedKeys(m) {
		if !contains(trainingTypes, k) {
			r.fail(key+"."+k, "is not a training type (one of: %s)", strings.Join(trainingTypes, ", "))
			return nil
		}
		f, err := strconv.ParseFloat(string(m[k]), 64)
		if err != nil || m[k][0] == '"' || !(f >= 0 && f <= maxHours) {
			r.fail(key+"."+k, "must be a number of hours from 0 to %s, not %s", thousands(maxHours), m[k])
			return nil
		}
		out[k] = f
	}
	return out
}

// Enumerations of SCENARIOS.md.
var (
	allRoles       = []string{"armorer", "prop_master", "first_ad", "actor", "stunt", "camera", "crew", "producer", "safety_officer", "investigator"}
	firearmTypes   = []string{"revolver", "pistol", "rifle", "shotgun"}
	trainingTypes  = []string{"revolver", "pistol", "rifle", "shotgun", "blank_fire"}
	capabilities   = []string{"live_fire", "blank_fire", "non_firing"}
	lotKinds       = []string{"dummy", "blank", "live"}
	verifyMethods  = []string{"rattle", "drilled", "no_primer", "xray"}
	loads          = []string{"empty", "dummy", "blank"}
	towards        = []string{"none", "camera", "person"}
	protectionList = []string{"shields", "remote_monitor", "min_distance"}
	categories     = []string{"firearms", "fatigue", "equipment", "training", "conduct", "other"}
	severities     = []string{"low", "high", "critical"}
	reportKinds    = []string{IncidentInjury, IncidentNearMiss, IncidentOther}
)
