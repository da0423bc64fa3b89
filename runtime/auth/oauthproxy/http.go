package oauthproxy

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
)

func writeJSON(w http.ResponseWriter, status int, v any) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-store")
	h.Set("Pragma", "no-cache")
	b, _ := json.Marshal(v)
	w.WriteHeader(status)
	w.Write(b)
}

// writeJSONError writes an RFC 6749 5.2 error.
func writeJSONError(w http.ResponseWriter, status int, code, desc string) {
	writeJSON(w, status, map[string]string{"error": code, "error_description": desc})
}

// unavailable answers 503 when the store fails.
func (p *Proxy) unavailable(w http.ResponseWriter, what string, err error) {
	p.log.Error("oauthproxy: store unavailable", "during", what, "err", err)
	w.Header().Set("Retry-After", "5")
	writeJSONError(w, http.StatusServiceUnavailable, "temporarily_unavailable", "the server's store is unavailable; try again")
}

// parseScope splits a scope parameter (RFC 6749 3.3) into distinct
// tokens.
func parseScope(s string) ([]string, error) {
	var out []string
	for tok := range strings.SplitSeq(s, " ") {
		if tok == "" {
			continue
		}
		if len(tok) > 200 {
			return nil, errors.New("scope token too long")
		}
		for i := 0; i < len(tok); i++ {
			if c := tok[i]; c < 0x21 || c > 0x7e || c == '"' || c == '\\' {
				return nil, fmt.Errorf("scope %q: invalid character", tok)
			}
		}
		if !slices.Contains(out, tok) {
			out = append(out, tok)
		}
		if len(out) > 50 {
			return nil, errors.New("too many scopes")
		}
	}
	return out, nil
}

// metadata is the RFC 8414 authorization server metadata.
func (p *Proxy) metadataDoc() map[string]any {
	md := map[string]any{
		"issuer":                                         p.issuer,
		"authorization_endpoint":                         p.issuer + "/authorize",
		"token_endpoint":                                 p.issuer + "/token",
		"registration_endpoint":                          p.issuer + "/register",
		"revocation_endpoint":                            p.issuer + "/revoke",
		"response_types_supported":                       []string{"code"},
		"response_modes_supported":                       []string{"query"},
		"grant_types_supported":                          []string{"authorization_code", "refresh_token"},
		"code_challenge_methods_supported":               []string{"S256"},
		"token_endpoint_auth_methods_supported":          []string{authNone, authPost, authBasic},
		"revocation_endpoint_auth_methods_supported":     []string{authNone, authPost, authBasic},
		"client_id_metadata_document_supported":          !p.cfg.CIMD.Disable,
		"authorization_response_iss_parameter_supported": true,
		"scopes_supported":                               p.scopes,
		"protected_resources":                            []string{p.resource},
	}
	if len(p.scopes) == 0 {
		md["scopes_supported"] = []string{}
	}
	return md
}

// metadataHandler serves the metadata document, encoded once: Routes
// calls it when the server starts, after SupportScopes.
func (p *Proxy) metadataHandler() http.HandlerFunc {
	b, _ := json.Marshal(p.metadataDoc())
	return func(w http.ResponseWriter, r *http.Request) { serveMetadata(w, r, b) }
}

func serveMetadata(w http.ResponseWriter, r *http.Request, b []byte) {
	h := w.Header()
	// The document is public. Behind runtime.Server the CORS layer has
	// already answered for the caller's origin; standing alone, any
	// origin may read it.
	if h.Get("Access-Control-Allow-Origin") == "" {
		h.Set("Access-Control-Allow-Origin", "*")
	}
	if r.Method == http.MethodOptions {
		h.Set("Access-Control-Allow-Methods", "GET, HEAD, OPTIONS")
		h.Set("Access-Control-Allow-Headers", "Content-Type, MCP-Protocol-Version")
		w.WriteHeader(http.StatusNoContent)
		return
	}
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "public, max-age=3600")
	w.WriteHeader(http.StatusOK)
	if r.Method == http.MethodGet {
		w.Write(b)
	}
}
