package investigate

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io"
	"strings"
	"time"
)

//go:embed templates
var templateFS embed.FS

var css, _ = templateFS.ReadFile("templates/style.css")

var funcs = template.FuncMap{
	"css":  func() template.CSS { return template.CSS(css) },
	"join": strings.Join,
	"when": func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.Format("Mon 2 Jan 2006 15:04 MST")
	},
	"short": func(t time.Time) string { return t.Format("2 Jan 2006 15:04") },
	"deref": func(p *uint64) uint64 { return *p },
	"idxs": func(ids []uint64) string {
		s := make([]string, len(ids))
		for i, id := range ids {
			s[i] = fmt.Sprintf("#%d", id)
		}
		return strings.Join(s, " ")
	},
	"who": func(p *Person) string {
		if p == nil {
			return "coldset"
		}
		if len(p.Roles) == 0 {
			return p.Name
		}
		return fmt.Sprintf("%s (%s)", p.Name, strings.Join(p.Roles, ", "))
	},
}

var (
	reportTmpl = template.Must(template.New("report").Funcs(funcs).ParseFS(templateFS, "templates/header.html.tmpl", "templates/report.html.tmpl"))
	dailyTmpl  = template.Must(template.New("daily").Funcs(funcs).ParseFS(templateFS, "templates/header.html.tmpl", "templates/daily.html.tmpl"))
)

// WriteHTML writes the report as one self-contained, printable HTML page. A timeline
// too long to print is shortened to the entries the findings cite (see
// printedTimeline), and a long list of concerns to those that need attention; the
// page says so, and the JSON form holds them all.
func (r *Report) WriteHTML(w io.Writer) error {
	if err := reportTmpl.ExecuteTemplate(w, "report.html.tmpl", newReportPage(r)); err != nil {
		return fmt.Errorf("report html: %w", err)
	}
	return nil
}

// WriteHTML writes the daily report as one self-contained, printable HTML page.
func (d *Daily) WriteHTML(w io.Writer) error {
	if err := dailyTmpl.ExecuteTemplate(w, "daily.html.tmpl", d); err != nil {
		return fmt.Errorf("daily report html: %w", err)
	}
	return nil
}

// HTML returns a report's page as bytes.
func HTML(r interface{ WriteHTML(io.Writer) error }) ([]byte, error) {
	var b bytes.Buffer
	err := r.WriteHTML(&b)
	return b.Bytes(), err
}
