package runtime

import "encoding/json"

// Protocol versions the core speaks. Every version-dependent decision of
// the core goes through this file.
//
// There are two eras. The legacy (initialize-based) versions, up to
// 2025-11-25, negotiate once per session with initialize. The modern
// versions, from 2026-07-28, are stateless: every request carries its
// version, client capabilities and client info in params._meta and is
// served on its own (Server.HandleModern). One endpoint serves both and
// decides per request (IsModernRequest).
const (
	// Version20260728 is the stateless core: server/discover, per-request
	// _meta, input_required results, cache hints, subscriptions/listen.
	Version20260728 = "2026-07-28"
	Version20251125 = "2025-11-25"
	Version20250618 = "2025-06-18"
	Version20250326 = "2025-03-26"
	// Version20241105 is accepted by initialize because the legacy SSE
	// transport serves clients that still speak it.
	Version20241105 = "2024-11-05"
)

// LatestVersion is the version the server answers initialize with when
// it does not support the one the client asked for.
const LatestVersion = Version20251125

// SupportedVersions lists the legacy protocol versions the core accepts
// in initialize and in the MCP-Protocol-Version header of a session,
// newest first. The modern versions are in ModernVersions.
var SupportedVersions = []string{Version20251125, Version20250618, Version20250326, Version20241105}

// ModernVersions lists the stateless (2026-era) versions the core serves,
// newest first.
var ModernVersions = []string{Version20260728}

// DiscoverVersions is what server/discover and the -32022 error announce:
// the modern versions and the legacy ones a Streamable HTTP client may
// fall back to (2024-11-05 is served over legacy SSE only). Clients pick
// the overlap with their modern list, so listing legacy versions is
// harmless and tells a dual-era client that initialize works too.
var DiscoverVersions = []string{Version20260728, Version20251125, Version20250618, Version20250326}

// IsModernVersion reports whether v is one of ModernVersions.
func IsModernVersion(v string) bool {
	for _, s := range ModernVersions {
		if s == v {
			return true
		}
	}
	return false
}

// IsSupportedVersion reports whether v is one of SupportedVersions (the
// legacy versions).
func IsSupportedVersion(v string) bool {
	for _, s := range SupportedVersions {
		if s == v {
			return true
		}
	}
	return false
}

// NegotiateVersion returns the version to answer an initialize request
// that asked for requested: the same version when the server supports it,
// otherwise LatestVersion (the client then decides whether to go on).
func NegotiateVersion(requested string) string {
	if IsSupportedVersion(requested) {
		return requested
	}
	return LatestVersion
}

// resourceNotFound is the error for resources/read of an unknown URI.
// Versions up to 2025-11-25 use the MCP-specific -32002 with the URI in
// data; 2026-07-28 moves to -32602.
func resourceNotFound(version, uri string) *Error {
	data, _ := json.Marshal(map[string]string{"uri": uri})
	switch version {
	case Version20251125, Version20250618, Version20250326, Version20241105, "":
		return &Error{Code: CodeResourceNotFound, Message: "resource not found: " + uri, Data: data}
	default:
		return &Error{Code: CodeInvalidParams, Message: "resource not found: " + uri, Data: data}
	}
}

// initializeRequired reports whether requests on c must wait for a
// successful initialize. The 2025 versions require it on every stateful
// connection; the stateless 2026-07-28 core does not (HandleModern never
// asks).
func initializeRequired(c *Conn) bool { return !c.cfg.Stateless }

// isLegacyVersion reports whether v names an initialize-era version, the
// ones a MCP-Protocol-Version header may carry inside a 2025 session.
func isLegacyVersion(v string) bool { return IsSupportedVersion(v) }

// modernMethods are the client requests of the 2026 era (SCHEMA
// ClientRequest) and the capability each needs the server to advertise
// ("" = always served). Everything else, including the removed
// initialize, ping, logging/setLevel and resources/(un)subscribe, is
// 404/-32601 in that era.
var modernMethods = map[string]string{
	"server/discover":          "",
	"subscriptions/listen":     "",
	"tools/list":               "tools",
	"tools/call":               "tools",
	"prompts/list":             "prompts",
	"prompts/get":              "prompts",
	"resources/list":           "resources",
	"resources/templates/list": "resources",
	"resources/read":           "resources",
	"completion/complete":      "completions",
	// The tasks extension (io.modelcontextprotocol/tasks).
	"tasks/get":    "tasks",
	"tasks/update": "tasks",
	"tasks/cancel": "tasks",
}

// inputRequiredMethods may answer with an input_required result (SEP-2322);
// the others never do.
var inputRequiredMethods = map[string]bool{"tools/call": true, "prompts/get": true, "resources/read": true}
