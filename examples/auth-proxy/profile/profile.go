// Package profile is the OAuth proxy example: the server is its own OAuth
// authorization server in front of an OpenID provider (-auth oidc; or
// regenerate with -auth github, google, azure or workos). whoami tells the
// caller who signed in at the provider; provider_profile calls the
// provider's API on the user's behalf with the upstream token the proxy
// keeps on the server.
//
//mcp:server name=profile version=1.0.0 instructions="Call whoami to see who signed in; provider_profile fetches your profile from the identity provider."
package profile

//go:generate go run github.com/mcpgen/mcpgen/cmd/mcpgen -auth oidc -out ./mcpserver .

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"time"

	"github.com/mcpgen/mcpgen/runtime/auth"
	"github.com/mcpgen/mcpgen/runtime/auth/oauthproxy"
)

// Identity is the upstream user behind the caller's token.
type Identity struct {
	// Subject is the provider's stable user id.
	Subject string `json:"subject"`
	// Email and Name, when the provider shares them.
	Email string `json:"email,omitempty"`
	Name  string `json:"name,omitempty"`
	// ClientID is the MCP client the proxy issued the token to.
	ClientID string `json:"client_id"`
}

// WhoAmI returns who signed in at the identity provider.
//
//mcp:tool name=whoami title="Who am I" readonly
func WhoAmI(ctx context.Context, tok *auth.AccessToken) (Identity, error) {
	if tok == nil {
		return Identity{}, errors.New("no access token: reach this server over HTTP and sign in")
	}
	return Identity{Subject: tok.Subject, Email: tok.Email, Name: tok.Name, ClientID: tok.ClientID}, nil
}

// ProfileURL is the provider API the provider_profile tool calls: the
// PROFILE_API_URL environment variable (GitHub: https://api.github.com/user;
// an OpenID provider: its userinfo endpoint).
func ProfileURL() string { return os.Getenv("PROFILE_API_URL") }

// ProviderProfile fetches the caller's profile from the identity
// provider's API with the upstream token (never the caller's own token).
//
//mcp:tool name=provider_profile title="Profile at the identity provider" readonly
func ProviderProfile(ctx context.Context) (map[string]any, error) {
	u := ProfileURL()
	if u == "" {
		return nil, errors.New("set PROFILE_API_URL to the provider's profile endpoint (https://api.github.com/user, or the OpenID userinfo endpoint)")
	}
	tok, err := oauthproxy.UpstreamToken(ctx)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	req.Header.Set("Accept", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("calling the provider: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("the provider answered HTTP %d", resp.StatusCode)
	}
	var out map[string]any
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&out); err != nil {
		return nil, fmt.Errorf("the provider's answer is not a JSON object: %w", err)
	}
	return out, nil
}
