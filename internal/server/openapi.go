package server

import (
	_ "embed"
	"net/http"
)

// openAPIDoc describes every route of the server (OpenAPI 3.1). A test checks that
// the routes it names and the routes registered are the same.
//
//go:embed openapi.json
var openAPIDoc []byte

// openAPI answers the OpenAPI document. It needs no sign-in: it says how to use the
// API, nothing about any production.
func (s *Server) openAPI(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Write(openAPIDoc)
}
