package server

import (
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"net/http"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"coldset/internal/auth"
	"coldset/internal/rules"
)

// TestPermissionMatrix sends every route of the server as every caller: a person in
// each role of RULES.md, a department head, a studio admin, a member of another
// production, a person taken off the production (every role removed), a caller
// without a session and one whose session expired. Each gets
// what RULES.md and the API promise: 401 without a (valid) session; 404 for a member
// of another production, exactly as for a production that does not exist; 403 naming
// role-required for what the caller's roles may not do, with the refused attempt
// recorded in the ledger; 200 or 201 when allowed. Pages answer as pages: the
// sign-in page (303) instead of 401, and a form's outcome after a redirect.
//
// Every read is also held to the read policy (rules.MayRead and SECURITY.md): words
// of the record that the fixture guards (matrixSecrets) appear in no answer to a
// caller who may not read them, and do appear where the row says they are shown.
//
// The routes come from the server's source (every pattern it registers), so a new
// route without a row here fails the test.
func TestPermissionMatrix(t *testing.T) {
	w := newMatrixWorld(t)
	rows := matrixRows()

	registered := sourceRoutes(t)
	covered := map[string]bool{}
	for _, r := range rows {
		covered[r.route] = true
		if !slices.Contains(registered, r.route) {
			t.Errorf("matrix row for %s, which the server does not register", r.route)
		}
	}
	for _, r := range registered {
		if !covered[r] {
			t.Errorf("route %s has no row in the permission matrix (matrix_test.go): say who may use it", r)
		}
	}

	var table strings.Builder
	for _, r := range rows {
		label := r.route
		if r.name != "" {
			label += " [" + r.name + "]"
		}
		fmt.Fprintf(&table, "%-62s", label)
		for _, c := range w.callers {
			got := w.check(t, r, c, label)
			fmt.Fprintf(&table, " %4s", got)
		}
		table.WriteString("\n")
	}
	var legend strings.Builder
	for i, c := range w.callers {
		fmt.Fprintf(&legend, "  column %2d: %s\n", i+1, c.name)
	}
	t.Logf("permission matrix (R: the refusal is recorded in the ledger)\n%s%s", legend.String(), table.String())
}

// check sends one row as one caller and compares what it got with what it wants,
// including what the ledger recorded. It returns the cell for the printed matrix.
func (w *matrixWorld) check(t *testing.T, r matrixRow, c *caller, label string) string {
	t.Helper()
	as := c
	if r.fresh && c.secret != "" { // the request ends its session: use a spare one
		spare := *c
		issued := w.now
		if c.kind == kindExpired {
			issued = w.now.Add(-auth.SessionTTL - time.Minute)
		}
		spare.secret = w.session(c, issued)
		as = &spare
	}
	want := r.want(c)
	req := r.req(as)
	via := r.via
	if via == "" {
		via = r.route
	}
	if _, pattern := w.srv.mux.Handler(req); pattern != via {
		t.Errorf("%s: the request reaches %q", label, pattern)
	}
	before := w.size()
	rec := w.serve(as, req)
	cell := strconv.Itoa(rec.Code)
	where := label + " as " + c.name
	if rec.Code != want.status {
		t.Errorf("%s: status %d, want %d; body %.300s", where, rec.Code, want.status, rec.Body.String())
		return cell + "!"
	}
	if want.rule != "" {
		var p problem
		if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil || p.Rule != want.rule {
			t.Errorf("%s: problem %s, want rule %s", where, rec.Body.String(), want.rule)
		}
	}
	if want.location != "" && !strings.HasPrefix(rec.Header().Get("Location"), want.location) {
		t.Errorf("%s: Location %q, want %s", where, rec.Header().Get("Location"), want.location)
	}
	if req.Method == http.MethodGet && rec.Code == http.StatusOK {
		w.checkReads(t, r, c, where, rec.Body.String())
	}
	after := w.size()
	switch {
	case want.refusal:
		e := w.last()
		var p struct{ Do, Rule string }
		json.Unmarshal(e.Payload, &p)
		if after != before+1 || e.Type != rules.EventRefused || e.Actor != c.person || p.Rule != rules.RoleRequired {
			t.Errorf("%s: the refusal is not recorded: %d entries after %d, last %s by %q rule %q",
				where, after, before, e.Type, e.Actor, p.Rule)
		}
		cell += "R"
	case want.same || rec.Code >= 400 && !want.grows:
		if after != before {
			t.Errorf("%s: the ledger grew from %d to %d entries", where, before, after)
		}
	}
	return cell
}

// checkReads holds a read's answer to the read policy: no guarded words reach a caller
// who may not read them, on any route; a caller who may read them finds them on the
// routes that show them (the row's shows).
func (w *matrixWorld) checkReads(t *testing.T, r matrixRow, c *caller, where, body string) {
	t.Helper()
	for _, s := range matrixSecrets {
		reader := c.kind == kindPerson && slices.Contains(s.readers, c.person)
		switch {
		case !reader && strings.Contains(body, s.text):
			t.Errorf("%s: the answer holds %q, which the read policy keeps from this caller", where, s.text)
		case reader && slices.Contains(r.shows, s.text) && !strings.Contains(body, s.text):
			t.Errorf("%s: the answer lacks %q, which the read policy gives this caller", where, s.text)
		}
	}
}

// want is what one caller gets from one row.
type want struct {
	status   int
	rule     string // the rule the problem must name
	refusal  bool   // a role-required refusal by the caller's person is recorded
	same     bool   // nothing is recorded, whatever the status
	grows    bool   // a refusal other than role-required is recorded
	location string // where a redirect goes (a prefix)
}

// matrixRow is one request of the matrix: the route it is for, how to make it as a
// caller, and what each caller gets.
type matrixRow struct {
	route string   // the pattern as the server registers it
	name  string   // what the request does, when a route has several rows
	via   string   // the pattern the request reaches, when not route
	fresh bool     // the request ends the caller's session, so it is sent with a spare one
	shows []string // guarded words (matrixSecrets) the answer holds for their readers
	req   func(c *caller) *http.Request
	want  func(c *caller) want
}

// sourceRoutes lists every route pattern the package registers (API and pages): each
// string literal that starts with a method and a path, as the first argument of a call.
func sourceRoutes(t *testing.T) []string {
	t.Helper()
	pattern := regexp.MustCompile(`^(GET|HEAD|POST|PUT|PATCH|DELETE) /`)
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	var out []string
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) == 0 {
				return true
			}
			if lit, ok := call.Args[0].(*ast.BasicLit); ok && lit.Kind == token.STRING {
				if s, err := strconv.Unquote(lit.Value); err == nil && pattern.MatchString(s) && !slices.Contains(out, s) {
					out = append(out, s)
				}
			}
			return true
		})
	}
	slices.Sort(out)
	if len(out) < 30 {
		t.Fatalf("found only %d routes in the source: %v", len(out), out)
	}
	return out
}
