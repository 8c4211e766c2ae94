package server

import (
	"fmt"
	"net/http"
	"strings"

	"rsc.io/qr"
)

// Printable QR labels: one for each firearm and lot, whose code opens that item's
// page on this server, so that scanning a box or a case on set shows what the ledger
// says of it (and the forms to act on it).

type labelView struct {
	Base   string
	Labels []label
}

type label struct {
	ID   string
	Kind string // firearm or lot
	Line string // what the label says under the code
	QR   string // the SVG's path
	Href string // the item's page, which the code opens
	Alt  string
}

// webLabels is GET /productions/{id}/labels: a sheet to print.
func (s *Server) webLabels(w http.ResponseWriter, r *http.Request, c *webCtx) {
	base := "/productions/" + c.ov.ID
	v := labelView{Base: base}
	for _, f := range c.ov.Firearms {
		v.Labels = append(v.Labels, label{ID: f.ID, Kind: "firearm", Line: words(f.Type) + " · " + words(f.Capability),
			QR: base + "/qr/firearm/" + f.ID, Href: base + "/firearms/" + f.ID, Alt: "QR code opening firearm " + f.ID})
	}
	for _, l := range c.ov.Lots {
		v.Labels = append(v.Labels, label{ID: l.ID, Kind: "lot", Line: l.Kind + " · " + l.Caliber + " · " + fmt.Sprint(l.Received) + " rounds",
			QR: base + "/qr/lot/" + l.ID, Href: base + "/lots/" + l.ID, Alt: "QR code opening lot " + l.ID})
	}
	s.render(w, r, http.StatusOK, "labels", s.page(w, r, c, "QR labels", "/armory", v))
}

// webQR is GET /productions/{id}/qr/{kind}/{item}: the QR code, as SVG, of the
// absolute address of a firearm's or lot's page.
func (s *Server) webQR(w http.ResponseWriter, r *http.Request, c *webCtx) {
	kind, id := r.PathValue("kind"), r.PathValue("item")
	known := false
	switch kind {
	case "firearm":
		for _, f := range c.ov.Firearms {
			known = known || f.ID == id
		}
	case "lot":
		for _, l := range c.ov.Lots {
			known = known || l.ID == id
		}
	}
	if !known {
		s.webError(w, r, notFound("There is no %s %q on %s.", kind, id, c.ov.Name))
		return
	}
	page := map[string]string{"firearm": "firearms", "lot": "lots"}[kind]
	s.writeQR(w, r, absoluteURL(r, fmt.Sprintf("/productions/%s/%s/%s", c.ov.ID, page, id)))
}

// writeQR answers with target's QR code as SVG, which a browser may keep for five
// minutes.
func (s *Server) writeQR(w http.ResponseWriter, r *http.Request, target string) {
	svg, err := qrSVG(target)
	if err != nil {
		s.webError(w, r, fmt.Errorf("qr code for %s: %w", target, err))
		return
	}
	w.Header().Set("Content-Type", "image/svg+xml")
	w.Header().Set("Cache-Control", "private, max-age=300")
	w.Write([]byte(svg))
}

// qrSVG draws text's QR code (error correction M: a label may get scuffed) as an SVG
// of dark modules on white, with the four-module quiet zone scanners need.
func qrSVG(text string) (string, error) {
	code, err := qr.Encode(text, qr.M)
	if err != nil {
		return "", err
	}
	const quiet = 4
	n := code.Size + 2*quiet
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" shape-rendering="crispEdges">`, n, n)
	fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="#fff"/><path fill="#000" d="`, n, n)
	for y := 0; y < code.Size; y++ {
		for x := 0; x < code.Size; x++ {
			if code.Black(x, y) {
				fmt.Fprintf(&b, "M%d %dh1v1h-1z", x+quiet, y+quiet)
			}
		}
	}
	b.WriteString(`"/></svg>`)
	return b.String(), nil
}
