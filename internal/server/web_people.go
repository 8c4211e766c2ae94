package server

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"coldset/internal/record"
	"coldset/internal/rules"
)

// The people of a production: who is on it and in what roles, each person's
// certification and training, invitations, training requests and their decisions,
// and walk-offs. Every form but the invitation posts to /productions/{id}/do like the
// other pages, so the rules decide and record each one, refusals too. The
// invitation also makes the person's account (invitePerson, as the API does).

// registerPeople registers the people pages; page and post are registerWeb's wrappers.
func (s *Server) registerPeople(page, post func(string, http.HandlerFunc)) {
	page("GET /productions/{id}/people", s.webPage(s.webPeople))
	page("GET /productions/{id}/people/{item}", s.webPage(s.webPerson))
	page("GET /productions/{id}/training", s.webPage(s.webTraining))
	post("POST /productions/{id}/invite", s.webPage(s.webInvite))
}

// roleIDs are the roles of RULES.md, in the order the forms offer them: those who
// run the production first.
var roleIDs = []string{"producer", "safety_officer", "armorer", "first_ad", "prop_master", "actor", "stunt", "camera", "crew", "investigator"}

// trainingTypes are the kinds of firearms training the rules count.
var trainingTypes = []string{"revolver", "pistol", "rifle", "shotgun", "blank_fire"}

// personCard is one person as the people pages show them.
type personCard struct {
	ID, Name, Href string
	Roles          []string
	RoleWords      string // "first ad, armorer"
	Department     string
	Head           bool
	Cert           string // the armorer certification in words, "" if none
	CertExpired    bool
	Training       string // hours on record, in words
	You            bool
}

// personCard describes pv as of the production's today.
func (c *webCtx) personCard(pv rules.PersonView) personCard {
	pc := personCard{ID: pv.ID, Name: pv.Name, Href: "/productions/" + c.ov.ID + "/people/" + pv.ID, Roles: pv.Roles,
		RoleWords: roleWords(pv.Roles), Department: pv.Department, Head: pv.DepartmentHead, You: pv.ID == c.person && c.person != ""}
	if pv.CertifiedUntil != "" {
		today := c.now.In(c.loc).Format(time.DateOnly)
		pc.CertExpired = pv.CertifiedUntil < today
		if pc.CertExpired {
			pc.Cert = "armorer certification expired on " + pv.CertifiedUntil
		} else {
			pc.Cert = "armorer certification until " + pv.CertifiedUntil
		}
	}
	var hours []string
	for _, t := range trainingTypes {
		if h := pv.Training[t]; h > 0 {
			hours = append(hours, words(t)+" "+hoursWords(h))
		}
	}
	pc.Training = strings.Join(hours, ", ")
	return pc
}

// hoursWords says a number of hours: "3 h", "1.5 h".
func hoursWords(h float64) string { return strconv.FormatFloat(h, 'f', -1, 64) + " h" }

// roleWords says roles as people on set do: "first AD, armorer".
func roleWords(roles []string) string {
	out := make([]string, len(roles))
	for i, r := range roles {
		out[i] = strings.Replace(words(r), "first ad", "first AD", 1)
	}
	return strings.Join(out, ", ")
}

// roleChoice is one role's checkbox.
type roleChoice struct {
	ID, Words string
	Checked   bool
}

func roleChoices(checked []string) []roleChoice {
	out := make([]roleChoice, len(roleIDs))
	for i, r := range roleIDs {
		out[i] = roleChoice{ID: r, Words: roleWords([]string{r}), Checked: slices.Contains(checked, r)}
	}
	return out
}

// peopleView is the People page.
type peopleView struct {
	Base    string
	People  []personCard // on the production
	Former  []personCard // added once, with no role now
	Invite  bool         // the caller may add people: a studio admin, a producer or safety officer
	Open    bool         // the invite form is unfolded: nobody on yet, asked for, or shown again
	Form    inviteForm   // the invite form, filled in again after a refusal
	Person  bool         // the caller is a person on the production (walk-offs, training requests)
	Decider bool         // producer or safety officer: training requests to decide
	Waiting int          // training requests awaiting a decision
}

// inviteForm is what the invite form holds.
type inviteForm struct {
	ID, Name, Email, Department string
	Head                        bool
	Roles                       []roleChoice
}

// webPeople is GET /productions/{id}/people.
func (s *Server) webPeople(w http.ResponseWriter, r *http.Request, c *webCtx) {
	s.renderPeople(w, r, c, http.StatusOK, inviteForm{Roles: roleChoices(nil)}, nil)
}

// renderPeople shows the People page; f, when set, is the outcome to show instead
// of the flash cookie's.
func (s *Server) renderPeople(w http.ResponseWriter, r *http.Request, c *webCtx, status int, form inviteForm, f *flash) {
	v := peopleView{Base: "/productions/" + c.ov.ID, Invite: c.account.Admin || c.mayDo(rules.PersonAdd), Form: form,
		Person: c.person != "", Decider: c.mayDo(rules.TrainingGrant)}
	for _, pv := range c.ov.People {
		if len(pv.Roles) == 0 {
			v.Former = append(v.Former, c.personCard(pv))
		} else {
			v.People = append(v.People, c.personCard(pv))
		}
	}
	v.Open = len(v.People) == 0 || form.Name != "" || r.URL.Query().Get("invite") != ""
	c.prod.Read(func(st *rules.State, b *record.Book) {
		for _, q := range b.Requests() {
			if q.Waiting() && st.MayReadTrainingOf(c.person, q.Person) {
				v.Waiting++
			}
		}
	})
	data := s.page(w, r, c, "People", "/people", v)
	if f != nil {
		data.Flash = f
	}
	data.Path = v.Base + "/people"
	s.render(w, r, status, "people", data)
}

// personView is one person's page.
type personView struct {
	Base           string
	P              personCard
	Roles          []roleChoice
	Requests       []trainingRequest
	Record         []step
	ManageRoles    bool   // producer or safety officer: roles and certification
	Certify        bool   // ... and this person is an armorer or has a certification
	CertUntil      string // kept when a person taken off is added again
	RecordTraining bool   // armorer or safety officer
	TrainingTypes  []string
}

// webPerson is GET /productions/{id}/people/{item}.
func (s *Server) webPerson(w http.ResponseWriter, r *http.Request, c *webCtx) {
	id := r.PathValue("item")
	i := slices.IndexFunc(c.ov.People, func(p rules.PersonView) bool { return p.ID == id })
	if i < 0 {
		s.webError(w, r, notFound("%s is not a person on %s", id, c.ov.Name))
		return
	}
	pv := c.ov.People[i]
	steps, err := c.personRecord(r.Context(), id)
	if err != nil {
		s.webError(w, r, err)
		return
	}
	var reqs []trainingRequest
	if c.mayTrainingOf(id) {
		if reqs, err = c.trainingRequests(r.Context(), func(q record.Request) bool { return q.Person == id }); err != nil {
			s.webError(w, r, err)
			return
		}
	}
	v := personView{Base: "/productions/" + c.ov.ID, P: c.personCard(pv), Roles: roleChoices(pv.Roles), Record: steps, Requests: reqs,
		ManageRoles: c.mayDo(rules.PersonRoles), RecordTraining: c.mayDo(rules.TrainingRecord), TrainingTypes: trainingTypes}
	v.Certify = v.ManageRoles && (slices.Contains(pv.Roles, "armorer") || pv.CertifiedUntil != "")
	v.CertUntil = pv.CertifiedUntil
	s.render(w, r, http.StatusOK, "people-person", s.page(w, r, c, pv.Name, "/people", v))
}

// trainingRequest is one request for training and its decision, in words.
type trainingRequest struct {
	ID, Person, Name string
	Type             string
	Hours            string
	Note             string
	Status           string // requested, granted or denied
	Asked            string // when, in words
	Decided          string
	DecidedBy        string
	Reason           string
}

// mayTrainingOf reports whether the caller may read whom's training requests, with
// their notes and the reasons they were decided: the read policy's ReadTraining.
func (c *webCtx) mayTrainingOf(whom string) bool {
	ok := false
	c.prod.View(func(st *rules.State) { ok = st.MayReadTrainingOf(c.person, whom) })
	return ok
}

// trainingRequests reads the training requests keep accepts, with their decisions,
// in the order asked: found in the read side (record.Book.Requests), their words read
// from the ledger however old.
func (c *webCtx) trainingRequests(ctx context.Context, keep func(record.Request) bool) ([]trainingRequest, error) {
	var qs []record.Request
	c.prod.Read(func(_ *rules.State, b *record.Book) { qs = b.Requests() })
	qs = slices.DeleteFunc(qs, func(q record.Request) bool { return !keep(q) })
	var at []uint64
	for _, q := range qs {
		at = append(at, q.Asked)
		if !q.Waiting() {
			at = append(at, q.Decided)
		}
	}
	slices.Sort(at)
	es, err := record.Entries(ctx, c.prod.Log(), slices.Compact(at))
	if err != nil {
		return nil, err
	}
	byIndex := make(map[uint64]record.Entry, len(es))
	for _, e := range es {
		byIndex[e.Index] = e
	}
	out := make([]trainingRequest, 0, len(qs))
	for _, q := range qs {
		e := byIndex[q.Asked]
		t := trainingRequest{ID: q.ID, Person: q.Person, Name: c.name(q.Person), Status: "requested", Asked: clock(e.Time, c.now, c.loc)}
		if p, ok := e.Payload.(*rules.RequestData); ok {
			t.Type, t.Hours, t.Note = words(p.Type), hoursWords(p.Hours), p.Note
		}
		if d, ok := byIndex[q.Decided]; ok && !q.Waiting() {
			t.Status, t.Decided, t.DecidedBy, t.Reason = "granted", clock(d.Time, c.now, c.loc), c.name(d.Actor), record.Words(d)
			if d.Type == rules.TrainingDeny {
				t.Status = "denied"
			}
		}
		out = append(out, t)
	}
	return out, nil
}

// personRecord reads the record of person id's roles, certification and training,
// newest first, from the entries the read side keeps for them (record.Book.Person),
// however old. It holds their training requests only where the caller may read them
// (mayTrainingOf).
func (c *webCtx) personRecord(ctx context.Context, id string) ([]step, error) {
	var at []uint64
	c.prod.Read(func(_ *rules.State, b *record.Book) { at = b.Person(id) })
	es, err := record.Entries(ctx, c.prod.Log(), at)
	if err != nil {
		return nil, err
	}
	training := c.mayTrainingOf(id)
	reqs := map[string]trainingRequest{}
	if training {
		qs, err := c.trainingRequests(ctx, func(q record.Request) bool { return q.Person == id })
		if err != nil {
			return nil, err
		}
		for _, q := range qs {
			reqs[q.ID] = q
		}
	}
	var out []step
	add := func(e record.Entry, what, text string) {
		out = append(out, step{At: clock(e.Time, c.now, c.loc), Who: c.name(e.Actor), What: what, Text: text})
	}
	for _, e := range es {
		switch p := e.Payload.(type) {
		case *rules.PersonData:
			add(e, "Added to the production", "as "+orNone(roleWords(p.Roles)))
		case *rules.RolesData:
			if len(p.Roles) == 0 {
				add(e, "Taken off the production", "")
			} else {
				add(e, "Roles changed", "now "+roleWords(p.Roles))
			}
		case *rules.CertData:
			add(e, "Armorer certification recorded", "until "+p.Until)
		case *rules.TrainingData:
			add(e, "Training recorded", hoursWords(p.Hours)+" of "+words(p.Type))
		case *rules.WalkoffData:
			what := "Left the production"
			if p.Safety {
				what += ", citing safety"
			}
			add(e, what, p.Reason)
		case *rules.RequestData:
			if training {
				add(e, "Asked for training", hoursWords(p.Hours)+" of "+words(p.Type))
			}
		case *rules.DecisionData:
			if q, ok := reqs[p.Request]; ok {
				add(e, "Training request "+q.Status, q.Hours+" of "+q.Type+". "+p.Reason)
			}
		}
	}
	slices.Reverse(out)
	return out, nil
}

func orNone(s string) string {
	if s == "" {
		return "no role"
	}
	return s
}

// trainingView is the training requests page.
type trainingView struct {
	Base          string
	Person        bool // may ask for training
	Decider       bool // producer or safety officer: grant or deny
	Recorder      bool // armorer or safety officer: records the hours once trained
	TrainingTypes []string
	Waiting       []trainingRequest
	Decided       []trainingRequest
}

// webTraining is GET /productions/{id}/training. Who sees which requests is the read
// policy's (rules.ReadTraining): the producers, the safety officer, the investigator
// and the armorer see every request; anyone else sees their own.
func (s *Server) webTraining(w http.ResponseWriter, r *http.Request, c *webCtx) {
	reqs, err := c.trainingRequests(r.Context(), func(q record.Request) bool { return c.mayTrainingOf(q.Person) })
	if err != nil {
		s.webError(w, r, err)
		return
	}
	v := trainingView{Base: "/productions/" + c.ov.ID, Person: c.person != "", Decider: c.mayDo(rules.TrainingGrant),
		Recorder: c.mayDo(rules.TrainingRecord), TrainingTypes: trainingTypes}
	for _, q := range reqs { // waiting: the oldest first; decided: the newest first
		if q.Status == "requested" {
			v.Waiting = append(v.Waiting, q)
		} else {
			v.Decided = append(v.Decided, q)
		}
	}
	slices.Reverse(v.Decided)
	s.render(w, r, http.StatusOK, "people-training", s.page(w, r, c, "Training", "/people", v))
}

// invitedView is the answer to an invitation.
type invitedView struct {
	Base          string
	Person        personCard
	Email         string
	NeedsPassword bool
	Created       bool   // this invitation made the account
	Link          string // the one-time link to set a password, when there is one
	MailTo        string // a mailto: address that sends the person their link
}

// webInvite is POST /productions/{id}/invite: the invite form, run through
// invitePerson as the API's invitation is. A refusal shows the People page again
// with the form as it was typed and the rule in words; an invitation shows the
// person added, and how they sign in.
func (s *Server) webInvite(w http.ResponseWriter, r *http.Request, c *webCtx) {
	r.Body = http.MaxBytesReader(w, r.Body, maxRequestBody)
	if err := r.ParseForm(); err != nil {
		s.webError(w, r, invalid("", "the form could not be read: %v", err))
		return
	}
	back := "/productions/" + c.ov.ID + "/people"
	if !checkCSRF(r) {
		setFlash(w, r, flash{Kind: "error", Title: "Not done: the form had expired.", Message: "The page was reloaded; do it again."})
		http.Redirect(w, r, back, http.StatusSeeOther)
		return
	}
	with := formWith(r.PostForm)
	email, _ := with["email"].(string)
	delete(with, "email")
	name, _ := with["name"].(string)
	if with["id"] == nil && name != "" {
		with["id"] = c.newPersonID(name)
	}
	form := inviteForm{Email: email, Name: name, Department: r.PostFormValue("s:department"), Head: with["department_head"] == true}
	form.ID, _ = with["id"].(string)
	roles, _ := with["roles"].([]string)
	form.Roles = roleChoices(roles)

	body := map[string]json.RawMessage{}
	for k, v := range with {
		b, err := json.Marshal(v)
		if err != nil {
			s.webError(w, r, err)
			return
		}
		body[k] = b
	}
	inv, err := s.invitePerson(r, c.access, email, body)
	if err != nil {
		f, ok := errorFlash(err)
		if !ok {
			s.webError(w, r, err)
			return
		}
		s.renderPeople(w, r, c, statusOf(err), form, &f)
		return
	}
	c.prod.View(func(st *rules.State) { c.ov = st.OpenOverview() })
	v := invitedView{Base: "/productions/" + c.ov.ID, Email: inv.email, NeedsPassword: inv.account.PasswordHash == "", Created: inv.created}
	for _, pv := range c.ov.People {
		if pv.ID == inv.person {
			v.Person = c.personCard(pv)
		}
	}
	if inv.created {
		// Only for an account this invitation made: for one that has its own
		// password, a link would be a reset its owner did not ask for, and one made by
		// another invitation (on any production) belongs to the person that one was
		// for, who holds their own link.
		link, err := s.passwordLink(r, inv.email)
		if err != nil { // the person is added: say so, and how to set a password otherwise
			s.log.Error("invitation: password link", "production", c.ov.ID, "person", inv.person, "err", err)
		}
		v.Link = link
		if link != "" {
			esc := func(s string) string { return strings.ReplaceAll(url.QueryEscape(s), "+", "%20") }
			v.MailTo = "mailto:" + inv.email + "?subject=" + esc("Your sign-in for "+c.ov.Name) +
				"&body=" + esc("Open this link to set your password for "+c.ov.Name+" on coldset. It works once.\n\n"+link)
		}
	}
	data := s.page(w, r, c, "Invited", "/people", v)
	f := doneFlash(c, rules.PersonAdd, inv.res)
	data.Flash, data.Path = &f, back
	s.render(w, r, http.StatusOK, "people-invited", data)
}

// newPersonID makes a person id from a name: its first word in lowercase letters and
// digits, with a number after it when the id is taken.
func (c *webCtx) newPersonID(name string) string {
	var b strings.Builder
	first, _, _ := strings.Cut(strings.ToLower(strings.TrimSpace(name)), " ")
	for _, r := range first {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' {
			b.WriteRune(r)
		}
	}
	base := b.String()
	if base == "" {
		base = "person"
	}
	taken := func(id string) bool {
		return slices.ContainsFunc(c.ov.People, func(p rules.PersonView) bool { return p.ID == id })
	}
	id := base
	for n := 2; taken(id); n++ {
		id = base + "-" + strconv.Itoa(n)
	}
	return id
}
