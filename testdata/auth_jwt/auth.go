// Package authjwt is served behind JWT bearer auth (see the flags file):
// New adds auth.EnvOptions("jwt") before the caller's options, and tools
// read the verified token through an injected *auth.AccessToken.
//
//mcp:server name=auth_jwt version=1.0.0
package authjwt

import (
	"context"
	"errors"

	"github.com/mcpgen/mcpgen/runtime/auth"
)

// WhoAmIOutput describes the caller.
type WhoAmIOutput struct {
	Subject  string   `json:"subject"`
	ClientID string   `json:"client_id"`
	Scopes   []string `json:"scopes"`
}

// WhoAmI returns who the caller's access token speaks for.
//
//mcp:tool name=whoami readonly
func WhoAmI(ctx context.Context, tok *auth.AccessToken) (WhoAmIOutput, error) {
	if tok == nil {
		return WhoAmIOutput{}, errors.New("not authenticated")
	}
	return WhoAmIOutput{Subject: tok.Subject, ClientID: tok.ClientID, Scopes: tok.Scopes}, nil
}

// Report returns a report; only tokens with reports:read may call it.
//
//mcp:tool name=admin_report readonly scopes="reports:read"
func Report(tok *auth.AccessToken, month string) (string, error) {
	if tok == nil {
		return "", errors.New("not authenticated")
	}
	return "report for " + month + " requested by " + tok.Subject, nil
}
