package server

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"coldset/internal/rules"
)

type openAPIDocument struct {
	OpenAPI string                                `json:"openapi"`
	Paths   map[string]map[string]json.RawMessage `json:"paths"`
	Comps   struct {
		Schemas struct {
			Action struct {
				Properties struct {
					Do struct {
						Enum []string `json:"enum"`
					} `json:"do"`
				} `json:"properties"`
			} `json:"Action"`
		} `json:"schemas"`
	} `json:"components"`
}

func loadOpenAPI(t *testing.T) openAPIDocument {
	t.Helper()
	var doc openAPIDocument
	if err := json.Unmarshal(openAPIDoc, &doc); err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	if doc.OpenAPI != "3.1.0" {
		t.Errorf("openapi %q, want 3.1.0", doc.OpenAPI)
	}
	return doc
}

// documented lists the document's routes as ServeMux patterns: "GET /api/session".
func (doc openAPIDocument) routes() []string {
	var out []string
	for path, item := range doc.Paths {
		for method := range item {
			if method != "parameters" && method != "summary" && method != "description" {
				out = append(out, strings.ToUpper(method)+" "+path)
			}
		}
	}
	sort.Strings(out)
	return out
}

// routePattern matches the routes the document must describe: the JSON API and the
// health checks. The HTML pages are for people, not programs, and are left out.
var apiRoute = regexp.MustCompile(`^(GET|HEAD|POST|PUT|PATCH|DELETE) /(api/|healthz$|readyz$)`)

// registeredRoutes lists the API routes the package registers: the routes found in its
// source (sourceRoutes) that are API paths, not pages.
func registeredRoutes(t *testing.T) []string {
	t.Helper()
	var out []string
	for _, r := range sourceRoutes(t) {
		if apiRoute.MatchString(r) {
			out = append(out, r)
		}
	}
	return out
}

func TestOpenAPIDescribesEveryRoute(t *testing.T) {
	doc := loadOpenAPI(t)
	documented, registered := doc.routes(), registeredRoutes(t)
	if len(registered) < 10 {
		t.Fatalf("found only %d registered routes: %v", len(registered), registered)
	}
	for _, r := range registered {
		if !slices.Contains(documented, r) {
			t.Errorf("route %s is registered but not in openapi.json", r)
		}
	}
	for _, r := range documented {
		if !slices.Contains(registered, r) {
			t.Errorf("openapi.json describes %s, which is not registered", r)
		}
	}

	// Each documented route reaches its own handler on a server with every option on.
	s := New(Config{})
	for _, r := range documented {
		method, path, _ := strings.Cut(r, " ")
		req := httptest.NewRequest(method, strings.ReplaceAll(path, "{id}", "dry-creek"), nil)
		if _, pattern := s.mux.Handler(req); pattern != r {
			t.Errorf("%s reaches pattern %q", r, pattern)
		}
	}
}

func TestOpenAPIListsEveryAction(t *testing.T) {
	var want []string
	for _, a := range rules.Actions() {
		if a != "production.create" { // by the deployment only: POST /api/productions
			want = append(want, a)
		}
	}
	got := slices.Sorted(slices.Values(loadOpenAPI(t).Comps.Schemas.Action.Properties.Do.Enum))
	if !slices.Equal(got, want) {
		t.Errorf("Action.do enum %v,\nwant rules.Actions() %v", got, want)
	}
}

func TestOpenAPIServed(t *testing.T) {
	ta := newTestAPI(t)
	r := ta.call("", "GET", "/api/openapi.json", nil).must(t, http.StatusOK)
	if ct := r.header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type %q", ct)
	}
	if string(r.body) != string(openAPIDoc) {
		t.Errorf("served document differs from the embedded one")
	}
}
