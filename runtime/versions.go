package runtime

import "encoding/json"

// Protocol versions the core speaks. Every version-dependent decision of
// the core goes through this file, so that adding a version (2026-07-28 is
// next) means adding it to SupportedVersions and to the switches below.
const (
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

// SupportedVersions lists the protocol versions the core accepts, newest
// first.
var SupportedVersions = []string{Version20251125, Version20250618, Version20250326, Version20241105}

// IsSupportedVersion reports whether v is one of SupportedVersions.
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
// connection; the stateless 2026-07-28 core will not.
func initializeRequired(c *Conn) bool { return !c.cfg.Stateless }
