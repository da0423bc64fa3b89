package presets

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"github.com/mcpgen/mcpgen/runtime/auth"
	"github.com/mcpgen/mcpgen/runtime/auth/upstream"
)

// GoogleOptions configure the Google preset; every endpoint defaults to
// Google's public one.
type GoogleOptions struct {
	Options
	AuthURL      string // https://accounts.google.com/o/oauth2/v2/auth
	TokenURL     string // https://oauth2.googleapis.com/token
	UserinfoURL  string // https://openidconnect.googleapis.com/v1/userinfo
	TokeninfoURL string // https://oauth2.googleapis.com/tokeninfo
	RevokeURL    string // https://oauth2.googleapis.com/revoke
	// Issuer is the Issuer of tokens Verify accepts
	// (https://accounts.google.com).
	Issuer string
}

// Google is the Google preset: OpenID Connect sign-in, identity from
// userinfo, resource-server tokens checked with tokeninfo and bound to
// this client id.
type Google struct {
	provider
	userinfo, tokeninfo, rev, issuer string
}

// GoogleDefaultScopes are asked when none are configured.
var GoogleDefaultScopes = []string{"openid", "email", "profile"}

// NewGoogle checks the options and returns the preset.
func NewGoogle(o GoogleOptions) (*Google, error) {
	if o.ClientID == "" {
		return nil, errors.New("presets: google needs the OAuth client id: set MCPGEN_AUTH_GOOGLE_CLIENT_ID")
	}
	g := &Google{
		provider: newProvider(o.Options, pick(o.AuthURL, "https://accounts.google.com/o/oauth2/v2/auth"),
			pick(o.TokenURL, "https://oauth2.googleapis.com/token"), GoogleDefaultScopes),
		userinfo:  pick(o.UserinfoURL, "https://openidconnect.googleapis.com/v1/userinfo"),
		tokeninfo: pick(o.TokeninfoURL, "https://oauth2.googleapis.com/tokeninfo"),
		rev:       pick(o.RevokeURL, "https://oauth2.googleapis.com/revoke"),
		issuer:    pick(o.Issuer, "https://accounts.google.com"),
	}
	if err := checkURLs(map[string]string{"Google authorize URL": g.authURL, "Google token URL": g.tokenURL,
		"Google userinfo URL": g.userinfo, "Google tokeninfo URL": g.tokeninfo, "Google revoke URL": g.rev}); err != nil {
		return nil, err
	}
	return g, nil
}

// Name is "google".
func (g *Google) Name() string { return "google" }

// AuthCodeOptions asks for offline access, without which Google issues
// no refresh token and the proxy could not outlive the first hour.
func (g *Google) AuthCodeOptions() []oauth2.AuthCodeOption {
	return []oauth2.AuthCodeOption{oauth2.AccessTypeOffline}
}

func (g *Google) user(ctx context.Context, token string) (userinfo, http.Header, error) {
	return fetchUserinfo(ctx, g.opts.client(), g.userinfo, token)
}

// Identity reads userinfo: sub, email, name, and picture and locale as
// claims.
func (g *Google) Identity(ctx context.Context, tok *oauth2.Token) (upstream.Identity, error) {
	if tok == nil || tok.AccessToken == "" {
		return upstream.Identity{}, errors.New("google: no access token")
	}
	u, _, err := g.user(ctx, tok.AccessToken)
	if err != nil {
		return upstream.Identity{}, fmt.Errorf("google: %w", err)
	}
	return u.identity(), nil
}

// Revoke revokes the refresh token (which revokes its access tokens
// too), else the access token.
func (g *Google) Revoke(ctx context.Context, tok *oauth2.Token) error {
	if tok == nil {
		return nil
	}
	t := tok.RefreshToken
	if t == "" {
		t = tok.AccessToken
	}
	if t == "" {
		return nil
	}
	if _, err := call(ctx, g.opts.client(), http.MethodPost, g.rev, "", url.Values{"token": {t}}, nil); err != nil {
		var ae *apiError
		if errors.As(err, &ae) && ae.Status == http.StatusBadRequest {
			return nil // invalid_token: already revoked or expired
		}
		return fmt.Errorf("google: revoke: %w", err)
	}
	return nil
}

// googleTokeninfo is tokeninfo's answer; Google sends numbers as strings.
type googleTokeninfo struct {
	Aud           string `json:"aud"`
	Azp           string `json:"azp"`
	Sub           string `json:"sub"`
	Scope         string `json:"scope"`
	Exp           string `json:"exp"`
	ExpiresIn     string `json:"expires_in"`
	Email         string `json:"email"`
	EmailVerified string `json:"email_verified"`
}

// Verify checks a Google access token with tokeninfo (resource-server
// mode): it must have been issued to this client id (aud or azp), must
// not have expired, and must have a subject. Name, picture and locale
// come from userinfo when the token may read it.
func (g *Google) Verify(ctx context.Context, token string) (*auth.AccessToken, error) {
	return g.verifyOpaque(ctx, token, g.tokenInfo)
}

func (g *Google) tokenInfo(ctx context.Context, token string, now time.Time) (*auth.AccessToken, error) {
	var ti googleTokeninfo
	hdr, err := call(ctx, g.opts.client(), http.MethodPost, g.tokeninfo, "", url.Values{"access_token": {token}}, &ti)
	if err != nil {
		return nil, verifyError(err, hdr)
	}
	if ti.Aud != g.opts.ClientID && ti.Azp != g.opts.ClientID {
		return nil, invalid("wrong audience: the token was issued to another client")
	}
	if ti.Sub == "" {
		return nil, invalid("token has no subject")
	}
	var exp time.Time
	if sec, err := strconv.ParseInt(ti.Exp, 10, 64); err == nil {
		exp = time.Unix(sec, 0)
	} else if sec, err := strconv.ParseInt(ti.ExpiresIn, 10, 64); err == nil {
		exp = now.Add(time.Duration(sec) * time.Second)
	} else {
		return nil, invalid("token has no expiry")
	}
	claims := map[string]any{"sub": ti.Sub, "aud": ti.Aud}
	setIf(claims, "azp", ti.Azp)
	setIf(claims, "email", ti.Email)
	if ti.EmailVerified != "" {
		claims["email_verified"] = ti.EmailVerified == "true"
	}
	scopes := strings.Fields(ti.Scope)
	if hasScope(scopes, "profile", "https://www.googleapis.com/auth/userinfo.profile") {
		if u, _, err := g.user(ctx, token); err == nil && u.Sub == ti.Sub {
			id := u.identity()
			setIf(claims, "name", id.Name)
			for k, v := range id.Claims {
				claims[k] = v
			}
		}
	}
	return &auth.AccessToken{ClientID: pick(ti.Azp, ti.Aud), Subject: ti.Sub, Scopes: scopes,
		ExpiresAt: exp, Issuer: g.issuer, Claims: claims}, nil
}
