// Package whoami is the OAuth proxy example: a server that is its own
// OAuth 2.1 authorization server in front of an upstream OpenID provider
// (or, with another -auth flag, GitHub, Google, Entra ID or WorkOS), and
// one tool that tells the caller who the proxy says they are.
//
//mcp:server name=whoami version=1.0.0 instructions="Call whoami to see the identity you signed in with."
package whoami

//go:generate go run github.com/mcpgen/mcpgen/cmd/mcpgen -auth oidc -out ./mcpserver .

import (
	"context"
	"errors"

	"github.com/mcpgen/mcpgen/runtime/auth"
)

// Identity is the signed-in user as the upstream provider described them,
// and the token the proxy minted for this client.
type Identity struct {
	// Subject is the upstream provider's user id.
	Subject string `json:"subject"`
	// Email and Name, when the provider shares them.
	Email string `json:"email,omitempty"`
	Name  string `json:"name,omitempty"`
	// Issuer is this server's own authorization server (the proxy), which
	// minted the token.
	Issuer string `json:"issuer"`
	// ClientID is the MCP client the token was issued to (registered with
	// the proxy, not with the upstream provider).
	ClientID string `json:"client_id"`
	// Scopes the token grants.
	Scopes []string `json:"scopes"`
	// Claims are the token's claims, including the provider's own (GitHub
	// login, Google picture, ...).
	Claims map[string]any `json:"claims,omitempty"`
}

// WhoAmI returns the identity behind the caller's token.
//
//mcp:tool name=whoami title="Who am I" readonly
func WhoAmI(ctx context.Context, tok *auth.AccessToken) (Identity, error) {
	if tok == nil {
		return Identity{}, errors.New("no access token: reach this server over HTTP and sign in")
	}
	scopes := tok.Scopes
	if scopes == nil {
		scopes = []string{}
	}
	return Identity{Subject: tok.Subject, Email: tok.Email, Name: tok.Name, Issuer: tok.Issuer,
		ClientID: tok.ClientID, Scopes: scopes, Claims: tok.Claims}, nil
}
