package presets

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"github.com/mcpgen/mcpgen/runtime/auth"
	"github.com/mcpgen/mcpgen/runtime/auth/upstream"
)

// GitHubOptions configure the GitHub preset. Only the client id and
// secret are needed for github.com.
type GitHubOptions struct {
	Options
	// BaseURL is the web host (default https://github.com; GitHub
	// Enterprise Server: https://HOST). It is also the Issuer of tokens
	// Verify accepts.
	BaseURL string
	// APIURL is the REST API root (default https://api.github.com, or
	// BaseURL/api/v3 when BaseURL is set).
	APIURL string
	// AuthURL and TokenURL override BaseURL/login/oauth/authorize and
	// BaseURL/login/oauth/access_token.
	AuthURL, TokenURL string
	// AppTokensOnly makes Verify accept only tokens issued to this OAuth
	// app (ClientID): GitHub's "check a token" API (POST
	// /applications/CLIENT_ID/token with the app's credentials) must
	// know the token. It needs ClientSecret. Without it, any GitHub token
	// of the user (another app's, a personal access token) is accepted,
	// since GitHub tokens carry no audience.
	AppTokensOnly bool
}

// GitHub is the GitHub (or GitHub Enterprise Server) preset: an OAuth
// app or GitHub App user-to-server flow, identity from the user API.
type GitHub struct {
	provider
	base, api     string
	appTokensOnly bool
}

// GitHubDefaultScopes are asked when none are configured: the user's
// profile and email addresses, nothing that touches repositories.
var GitHubDefaultScopes = []string{"read:user", "user:email"}

// NewGitHub checks the options and returns the preset.
func NewGitHub(o GitHubOptions) (*GitHub, error) {
	if o.ClientID == "" {
		return nil, errors.New("presets: github needs the OAuth app's client id: set MCPGEN_AUTH_GITHUB_CLIENT_ID")
	}
	base := strings.TrimRight(pick(o.BaseURL, "https://github.com"), "/")
	api := "https://api.github.com"
	if o.BaseURL != "" {
		api = base + "/api/v3"
	}
	g := &GitHub{
		provider: newProvider(o.Options, pick(o.AuthURL, base+"/login/oauth/authorize"), pick(o.TokenURL, base+"/login/oauth/access_token"), GitHubDefaultScopes),
		base:     base,
		api:      strings.TrimRight(pick(o.APIURL, api), "/"),
	}
	if o.AppTokensOnly && (o.ClientID == "" || o.ClientSecret == "") {
		return nil, errors.New("presets: github: AppTokensOnly needs the OAuth app's client id and secret (MCPGEN_AUTH_GITHUB_CLIENT_SECRET)")
	}
	g.appTokensOnly = o.AppTokensOnly
	if err := checkURLs(map[string]string{"GitHub base URL": g.base, "GitHub API URL": g.api, "GitHub authorize URL": g.authURL, "GitHub token URL": g.tokenURL}); err != nil {
		return nil, err
	}
	return g, nil
}

// Name is "github".
func (g *GitHub) Name() string { return "github" }

// githubUser is the part of GET /user the preset reads.
type githubUser struct {
	ID        int64  `json:"id"`
	Login     string `json:"login"`
	Name      string `json:"name"`
	Email     string `json:"email"`
	AvatarURL string `json:"avatar_url"`
	HTMLURL   string `json:"html_url"`
	Company   string `json:"company"`
}

// user calls GET /user with the token. A user without a public email
// gets the primary verified address of /user/emails when the token may
// read it (user:email, or a GitHub App token, which lists no scopes).
func (g *GitHub) user(ctx context.Context, token string) (githubUser, http.Header, error) {
	var u githubUser
	hdr, err := g.get(ctx, "/user", token, &u)
	if err != nil {
		return u, hdr, err
	}
	if u.ID <= 0 || u.Login == "" {
		return u, hdr, errors.New("github: GET /user: answer has no id or login")
	}
	// OAuth app tokens list their scopes; GitHub App tokens list none
	// and may still read emails (the app's "Email addresses" permission).
	if u.Email == "" && (len(githubScopes(hdr)) == 0 || hasScope(githubScopes(hdr), "user:email", "user")) {
		var emails []struct {
			Email    string `json:"email"`
			Primary  bool   `json:"primary"`
			Verified bool   `json:"verified"`
		}
		if _, err := g.get(ctx, "/user/emails", token, &emails); err == nil {
			for _, e := range emails {
				if e.Primary && e.Verified {
					u.Email = e.Email
				}
			}
		}
	}
	return u, hdr, nil
}

func (g *GitHub) get(ctx context.Context, path, token string, out any) (http.Header, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, g.api+path, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/vnd.github+json")
	req.Header.Set("X-GitHub-Api-Version", "2022-11-28")
	req.Header.Set("Authorization", "Bearer "+token)
	return do(g.opts.client(), req, out)
}

func (u githubUser) identity() upstream.Identity {
	c := map[string]any{"login": u.Login}
	setIf(c, "avatar_url", u.AvatarURL)
	setIf(c, "html_url", u.HTMLURL)
	setIf(c, "company", u.Company)
	return upstream.Identity{Subject: strconv.FormatInt(u.ID, 10), Email: u.Email, Name: u.Name, Claims: c}
}

// Identity asks the user API who the token belongs to: the numeric id is
// the subject (logins can be renamed and reused), the login a claim.
func (g *GitHub) Identity(ctx context.Context, tok *oauth2.Token) (upstream.Identity, error) {
	if tok == nil || tok.AccessToken == "" {
		return upstream.Identity{}, errors.New("github: no access token")
	}
	u, _, err := g.user(ctx, tok.AccessToken)
	if err != nil {
		return upstream.Identity{}, fmt.Errorf("github: %w", err)
	}
	return u.identity(), nil
}

// Revoke deletes the app's authorization of the token (DELETE
// /applications/CLIENT_ID/token with the app's credentials).
func (g *GitHub) Revoke(ctx context.Context, tok *oauth2.Token) error {
	if tok == nil || tok.AccessToken == "" || g.opts.ClientSecret == "" {
		return nil
	}
	body := accessTokenBody(tok.AccessToken)
	req, err := http.NewRequestWithContext(ctx, http.MethodDelete, g.api+"/applications/"+g.opts.ClientID+"/token", body)
	if err != nil {
		return err
	}
	req.SetBasicAuth(g.opts.ClientID, g.opts.ClientSecret)
	req.Header.Set("Accept", "application/vnd.github+json")
	req.Header.Set("Content-Type", "application/json")
	if _, err := do(g.opts.client(), req, nil); err != nil {
		var ae *apiError
		if errors.As(err, &ae) && ae.Status == http.StatusNotFound {
			return nil // already gone
		}
		return fmt.Errorf("github: revoke: %w", err)
	}
	return nil
}

// Verify checks a GitHub token against the user API (resource-server
// mode). GitHub tokens carry no audience: unless AppTokensOnly binds them
// to this app, any token of the user that can read the profile is
// accepted (an OAuth app's, a personal access token), so require scopes
// (MCPGEN_AUTH_REQUIRED_SCOPES) to narrow what is accepted. Scopes come
// from the X-OAuth-Scopes header (empty for fine-grained tokens and
// GitHub App tokens).
func (g *GitHub) Verify(ctx context.Context, token string) (*auth.AccessToken, error) {
	return g.verifyOpaque(ctx, token, func(ctx context.Context, token string, _ time.Time) (*auth.AccessToken, error) {
		if g.appTokensOnly {
			if err := g.checkAppToken(ctx, token); err != nil {
				return nil, err
			}
		}
		u, hdr, err := g.user(ctx, token)
		if err != nil {
			return nil, verifyError(err, hdr)
		}
		id := u.identity()
		return &auth.AccessToken{Subject: id.Subject, Scopes: githubScopes(hdr), Issuer: g.base,
			Claims: identityClaims(id), ExpiresAt: githubExpiry(hdr), ClientID: g.appClientID()}, nil
	})
}

// appClientID is the client the token is known to belong to: this app's
// when AppTokensOnly checked it, else unknown.
func (g *GitHub) appClientID() string {
	if g.appTokensOnly {
		return g.opts.ClientID
	}
	return ""
}

// checkAppToken asks GitHub whether token was issued to this app; 404
// means it was not (or no longer exists).
func (g *GitHub) checkAppToken(ctx context.Context, token string) error {
	body := accessTokenBody(token)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, g.api+"/applications/"+url.PathEscape(g.opts.ClientID)+"/token", body)
	if err != nil {
		return err
	}
	req.SetBasicAuth(g.opts.ClientID, g.opts.ClientSecret)
	req.Header.Set("Accept", "application/vnd.github+json")
	req.Header.Set("Content-Type", "application/json")
	hdr, err := do(g.opts.client(), req, nil)
	if err != nil {
		var ae *apiError
		if errors.As(err, &ae) && (ae.Status == http.StatusNotFound || ae.Status == http.StatusUnprocessableEntity) {
			return &auth.TokenError{Reason: "the token was not issued to this app", Err: err}
		}
		return verifyError(err, hdr)
	}
	return nil
}

// githubScopes parses X-OAuth-Scopes ("repo, user:email").
func githubScopes(h http.Header) []string {
	var out []string
	for _, s := range strings.Split(h.Get("X-OAuth-Scopes"), ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// githubExpiry parses GitHub-Authentication-Token-Expiration, which
// GitHub sends for tokens that expire ("2026-12-02 04:00:00 UTC").
func githubExpiry(h http.Header) time.Time {
	v := strings.TrimSpace(h.Get("GitHub-Authentication-Token-Expiration"))
	for _, layout := range []string{"2006-01-02 15:04:05 MST", "2006-01-02 15:04:05 -0700", time.RFC3339} {
		if t, err := time.Parse(layout, v); err == nil {
			return t
		}
	}
	return time.Time{}
}

func hasScope(granted []string, any ...string) bool {
	for _, g := range granted {
		for _, a := range any {
			if g == a {
				return true
			}
		}
	}
	return false
}

// accessTokenBody is the JSON body of GitHub's application token APIs.
func accessTokenBody(token string) io.Reader {
	b, _ := json.Marshal(map[string]string{"access_token": token})
	return bytes.NewReader(b)
}
