package auth

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
)

// WellKnownPath is the RFC 9728 well-known prefix. The metadata of the
// resource https://host/p is served at
// https://host/.well-known/oauth-protected-resource/p.
const WellKnownPath = "/.well-known/oauth-protected-resource"

// ResourceMetadata is the RFC 9728 protected-resource metadata document
// that tells an MCP client which authorization servers issue tokens for
// this server and what scopes exist.
type ResourceMetadata struct {
	// Resource is the canonical URL of the MCP endpoint; tokens must be
	// bound to it (RFC 8707).
	Resource string `json:"resource"`
	// AuthorizationServers are the issuer URLs of the authorization
	// servers the client may use (RFC 8414 discovery starts from them).
	AuthorizationServers []string `json:"authorization_servers,omitempty"`
	// ScopesSupported lists the scopes the server understands.
	ScopesSupported []string `json:"scopes_supported,omitempty"`
	// BearerMethodsSupported is always ["header"]: query and body tokens
	// are refused.
	BearerMethodsSupported []string `json:"bearer_methods_supported"`
	// ResourceName is a human-readable name for consent screens.
	ResourceName string `json:"resource_name,omitempty"`
	// ResourceDocumentation is a URL of documentation for developers.
	ResourceDocumentation string `json:"resource_documentation,omitempty"`
}

// CanonicalResourceURL returns the canonical URL of the MCP endpoint at
// path below base (RFC 8707 / MCP authorization): lower-case scheme and
// host, no default port, no trailing slash, no query, fragment or
// userinfo. base is the public URL of the server (MCPGEN_AUTH_BASE_URL),
// possibly with a path prefix when the server is mounted below one.
func CanonicalResourceURL(base, path string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(base))
	if err != nil {
		return "", fmt.Errorf("base URL %q: %w", base, err)
	}
	u.Scheme = strings.ToLower(u.Scheme)
	if u.Scheme != "https" && u.Scheme != "http" {
		return "", fmt.Errorf("base URL %q: want an http or https URL such as https://mcp.example.com", base)
	}
	if u.Host == "" || u.Opaque != "" {
		return "", fmt.Errorf("base URL %q: missing host", base)
	}
	if u.User != nil || u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || strings.Contains(base, "#") {
		return "", fmt.Errorf("base URL %q: must not contain userinfo, a query or a fragment", base)
	}
	host := strings.ToLower(u.Hostname())
	port := u.Port()
	if (u.Scheme == "https" && port == "443") || (u.Scheme == "http" && port == "80") {
		port = ""
	}
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	if port != "" {
		host += ":" + port
	}
	p := strings.TrimRight(u.EscapedPath(), "/")
	if path != "" {
		if !strings.HasPrefix(path, "/") {
			return "", fmt.Errorf("MCP path %q must start with /", path)
		}
		p += strings.TrimRight(path, "/")
	}
	return u.Scheme + "://" + host + p, nil
}

// MetadataURL returns where the metadata of resource is served: the
// well-known prefix inserted between the host and the path (RFC 9728
// section 3.1).
func MetadataURL(resource string) string {
	u, err := url.Parse(resource)
	if err != nil || u.Host == "" {
		return ""
	}
	return u.Scheme + "://" + u.Host + WellKnownPath + strings.TrimRight(u.EscapedPath(), "/")
}

// sameResource compares two resource identifiers after canonicalising
// both (case of scheme and host, default port, trailing slash), so a
// token minted for "https://MCP.example.com/mcp/" matches the server
// "https://mcp.example.com/mcp". Anything that does not parse compares
// exactly.
func sameResource(a, b string) bool {
	if a == b {
		return true
	}
	ca, err1 := CanonicalResourceURL(a, "")
	cb, err2 := CanonicalResourceURL(b, "")
	return err1 == nil && err2 == nil && ca == cb
}

// MetadataHandler serves md as JSON to anyone (Access-Control-Allow-Origin:
// *, since browser-based clients discover it cross-origin) and answers
// the CORS preflight (a runtime.Server answers it before the handler
// runs, with the same headers as its other endpoints). The document is encoded once.
func MetadataHandler(md ResourceMetadata) http.Handler {
	if md.BearerMethodsSupported == nil {
		md.BearerMethodsSupported = []string{"header"}
	}
	body, err := json.Marshal(md)
	if err != nil {
		// Only strings and string slices: cannot fail.
		panic(err)
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		if h.Get("Access-Control-Allow-Origin") == "" {
			// Served by a runtime.Server, the CORS layer has decided
			// already (an origin it allows sees itself echoed).
			h.Set("Access-Control-Allow-Origin", "*")
		}
		switch r.Method {
		case http.MethodOptions:
			h.Set("Access-Control-Allow-Methods", "GET, HEAD, OPTIONS")
			h.Set("Access-Control-Allow-Headers", "Content-Type, Authorization, MCP-Protocol-Version")
			h.Set("Access-Control-Max-Age", "86400")
			w.WriteHeader(http.StatusNoContent)
		case http.MethodGet, http.MethodHead:
			h.Set("Content-Type", "application/json")
			h.Set("Cache-Control", "public, max-age=3600")
			w.WriteHeader(http.StatusOK)
			if r.Method == http.MethodGet {
				w.Write(body)
			}
		default:
			h.Set("Allow", "GET, HEAD, OPTIONS")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		}
	})
}

// isLoopbackHost reports whether host (a name or an IP, optionally with a
// port or brackets) names this machine only.
func isLoopbackHost(host string) bool {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.Trim(host, "[]")
	if strings.EqualFold(host, "localhost") || strings.HasSuffix(strings.ToLower(host), ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// checkEndpointURL accepts https URLs, and http ones only on loopback
// hosts (tests, sidecars), for the JWKS, introspection and authorization
// server URLs: a plain-http key set lets anyone on the path swap the keys.
func checkEndpointURL(what, raw string, allowHTTP bool) error {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("%s %q: %w", what, raw, err)
	}
	if u.Host == "" || u.User != nil || u.Fragment != "" {
		return fmt.Errorf("%s %q: want an absolute https URL without userinfo or fragment", what, raw)
	}
	switch strings.ToLower(u.Scheme) {
	case "https":
		return nil
	case "http":
		if allowHTTP || isLoopbackHost(u.Host) {
			return nil
		}
		return fmt.Errorf("%s %q: plain http is only allowed for loopback hosts (use https, or pass auth.WithInsecureHTTP)", what, raw)
	}
	return fmt.Errorf("%s %q: want an https URL", what, raw)
}
