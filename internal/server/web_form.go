package server

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"coldset/internal/rules"
)

// webDo runs one form as an action: the form's "do" and its typed fields become the
// same {do, with} command the API takes, decided by production.Do at the server's
// clock. Then it redirects back to the page the form was on (post/redirect/get) with
// the outcome as a flash message: what was done and what it raised, or the rule that
// refused it, in words, and what to do instead.
//
// Field names carry the JSON type of the "with" value: s:NAME a string, n:NAME a
// number, b:NAME a boolean, l:NAME a list (several fields, or one per line). Empty
// fields are left out, so the rules name a missing one; e:NAME sends the list NAME
// empty when none of its boxes is ticked.
//
// The one exception to post/redirect/get is an anonymous concern: its receipt code
// is shown once, in the answer to the POST itself, and kept nowhere.
func (s *Server) webDo(w http.ResponseWriter, r *http.Request, c *webCtx) {
	r.Body = http.MaxBytesReader(w, r.Body, maxRequestBody)
	if err := r.ParseForm(); err != nil {
		s.webError(w, r, invalid("", "the form could not be read: %v", err))
		return
	}
	back := c.backPath(r.PostFormValue("back"))
	if !checkCSRF(r) {
		setFlash(w, r, flash{Kind: "error", Title: "Not done: the form had expired.", Message: "The page was reloaded; do it again."})
		http.Redirect(w, r, back, http.StatusSeeOther)
		return
	}
	do := r.PostFormValue("do")
	with := formWith(r.PostForm)
	body, err := json.Marshal(with)
	if err != nil {
		s.webError(w, r, err)
		return
	}
	anonymous := do == rules.ConcernFile && r.PostFormValue("anonymous") != ""
	by := rules.Actor{Person: c.person}
	switch {
	case anonymous:
		// Nothing of the account that sent this is passed on or logged.
		by = rules.Actor{Anonymous: true, Receipt: rules.NewReceipt()}
		var paused *tooManyFilings
		if err := s.takeFiling(c.prod); errors.As(err, &paused) {
			s.filingPaused(w, r, c, paused)
			return
		}
	case c.person == "":
		setFlash(w, r, flash{Kind: "error", Title: "Not done: you are not a person on this production.",
			Message: "A producer or safety officer must add you before you can act on " + c.ov.Name + "."})
		http.Redirect(w, r, back, http.StatusSeeOther)
		return
	}
	var id string
	var res rules.Result
	if prefix := autoID[do]; prefix != "" && with["id"] == nil {
		// The id is picked as the action is decided, so that forms sent at once
		// never pick the same one.
		id, res, err = c.prod.DoNew(r.Context(), by, prefix, func(id string) rules.Command {
			with["id"] = id
			body, _ := json.Marshal(with) // it marshalled above, and an id is a string
			return rules.Command{Do: do, With: body}
		}, s.api.now())
	} else {
		id, _ = with["id"].(string)
		res, err = c.prod.Do(r.Context(), by, rules.Command{Do: do, With: body}, s.api.now())
	}
	if err != nil {
		s.webError(w, r, err)
		return
	}
	s.web.events.notify(c.ov.ID)
	switch {
	case res.Outcome == rules.Refused:
		setFlash(w, r, refusedFlash(res))
	case anonymous:
		s.showReceipt(w, r, c, by.Receipt, id)
		return
	default:
		setFlash(w, r, doneFlash(c, do, res))
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
}

// autoID names the actions whose new thing gets an id from the page, with its prefix
// (rules.State.NextID): people on set should not have to invent ids.
var autoID = map[string]string{rules.ConcernFile: "concern", rules.IncidentReport: "report", rules.TrainingRequest: "training"}

// formWith turns the typed form fields into the "with" map.
func formWith(form url.Values) map[string]any {
	with := map[string]any{}
	keys := make([]string, 0, len(form))
	for k := range form {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		typ, name, ok := strings.Cut(k, ":")
		if !ok || name == "" {
			continue
		}
		vals := form[k]
		first := ""
		for _, v := range vals {
			if v = strings.TrimSpace(v); v != "" {
				first = v
				break
			}
		}
		switch typ {
		case "e": // e:NAME sends the list NAME empty when no box of it is ticked
			if _, ok := with[name]; !ok && !form.Has("l:"+name) {
				with[name] = []string{}
			}
		case "s":
			if first != "" {
				with[name] = first
			}
		case "n":
			if first == "" {
				continue
			}
			if _, err := strconv.ParseFloat(first, 64); err == nil {
				with[name] = json.Number(first)
			} else {
				with[name] = first // the rules refuse it, naming the field
			}
		case "b":
			switch strings.ToLower(first) {
			case "true", "on", "yes", "1":
				with[name] = true
			case "false", "no", "0":
				with[name] = false
			}
		case "l":
			var list []string
			for _, v := range vals {
				for _, line := range strings.Split(v, "\n") {
					if line = strings.TrimSpace(line); line != "" {
						list = append(list, line)
					}
				}
			}
			if len(list) > 0 {
				with[name] = list
			}
		}
	}
	return with
}

// backPath is where a form returns to: a page of this production, else its own page.
func (c *webCtx) backPath(p string) string {
	base := "/productions/" + c.ov.ID
	if p = localPath(p); p == base || strings.HasPrefix(p, base+"/") {
		return p
	}
	return base
}

// refusedFlash shows a refusal as the rules said it (what happened and what to do
// instead), with the rule in plain words and its id beside them.
func refusedFlash(res rules.Result) flash {
	f := flash{Kind: "refused", Title: "Not done: " + ruleTitle(res.Rule), Message: sentence(res.Message), Rule: res.Rule, RuleWords: rules.Explain(res.Rule)}
	if res.Rule == rules.Invalid && res.Field != "" {
		f.Title = "Not done: check " + strings.TrimPrefix(res.Field, "with.")
	}
	return f
}

// doneFlash says what was recorded and everything it raised.
func doneFlash(c *webCtx, do string, res rules.Result) flash {
	title := doneWords[do]
	if title == "" {
		title = "Recorded: " + do + "."
	}
	f := flash{Kind: "ok", Title: title}
	for _, fl := range res.Flags {
		f.Kind = "warn"
		f.Items = append(f.Items, "Flag raised: "+rules.Explain(fl)+" ("+fl+")")
	}
	for _, kind := range res.Incidents {
		f.Kind = "warn"
		f.Items = append(f.Items, "Incident opened: "+strings.ReplaceAll(kind, "-", " ")+".")
	}
	for _, e := range res.Escalations {
		f.Items = append(f.Items, fmt.Sprintf("Concern %s is at escalation level %d: %s.", e.Concern, e.Level, rules.LevelWho(e.Level)))
	}
	return f
}

// sentence capitalises a rules message for display.
func sentence(s string) string {
	if s == "" {
		return s
	}
	s = strings.ToUpper(s[:1]) + s[1:]
	if !strings.HasSuffix(s, ".") {
		s += "."
	}
	return s
}
