// Package reports is the JWT-protected example: every request to its MCP
// endpoint needs a bearer token signed by the configured issuer
// (MCPGEN_AUTH_JWT_*), whoami tells the caller what the server saw in
// it, and admin_report also needs the reports:read scope.
//
//mcp:server name=reports version=1.0.0 instructions="Call whoami to see your identity; admin_report needs the reports:read scope."
package reports

//go:generate go run github.com/mcpgen/mcpgen/cmd/mcpgen -auth jwt -out ./mcpserver .

import (
	"context"
	"errors"
	"fmt"

	"github.com/mcpgen/mcpgen/runtime/auth"
)

// errNoToken is what the tools answer over a transport without auth
// (stdio), where no token is injected.
var errNoToken = errors.New("no access token: this server must be reached over HTTP with a bearer token")

// Identity is what the server learnt from the caller's verified token.
type Identity struct {
	// Subject is the user (or service) the token speaks for: the sub claim.
	Subject string `json:"subject"`
	// ClientID is the OAuth client the token was issued to.
	ClientID string `json:"client_id"`
	// Scopes the token grants.
	Scopes []string `json:"scopes"`
	// Issuer is the authorization server that signed the token.
	Issuer string `json:"issuer"`
}

// WhoAmI returns the caller's identity as the server verified it from
// the bearer token: subject, client id, scopes and issuer.
//
//mcp:tool name=whoami title="Who am I" readonly
func WhoAmI(ctx context.Context, tok *auth.AccessToken) (Identity, error) {
	if tok == nil {
		return Identity{}, errNoToken
	}
	scopes := tok.Scopes
	if scopes == nil {
		scopes = []string{}
	}
	return Identity{Subject: tok.Subject, ClientID: tok.ClientID, Scopes: scopes, Issuer: tok.Issuer}, nil
}

// ReportInput selects the report.
type ReportInput struct {
	// Month of the report, as YYYY-MM.
	Month string `json:"month" mcp:"pattern=^[0-9]{4}-[0-9]{2}$"`
}

// Report is the monthly report.
type Report struct {
	Month       string `json:"month"`
	RequestedBy string `json:"requested_by"`
	Summary     string `json:"summary"`
}

// AdminReport returns the monthly report. Only tokens granting
// reports:read may call it: others get HTTP 403 insufficient_scope.
//
//mcp:tool name=admin_report title="Monthly report" readonly scopes="reports:read"
func AdminReport(ctx context.Context, tok *auth.AccessToken, in ReportInput) (Report, error) {
	if tok == nil {
		return Report{}, errNoToken
	}
	return Report{Month: in.Month, RequestedBy: tok.Subject, Summary: fmt.Sprintf("all systems nominal in %s", in.Month)}, nil
}
