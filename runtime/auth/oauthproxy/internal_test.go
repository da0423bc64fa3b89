package oauthproxy

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/oauth2"

	"github.com/mcpgen/mcpgen/runtime/auth/upstream"
)

func TestRedirectPatterns(t *testing.T) {
	for _, tc := range []struct {
		pattern, uri string
		want         bool
	}{
		{"https://app.example.com/cb", "https://app.example.com/cb", true},
		{"https://app.example.com/cb", "https://app.example.com/cb/x", false},
		{"https://app.example.com/cb", "https://app.example.com:443/cb", true},
		{"https://app.example.com/cb", "https://app.example.com:8443/cb", false},
		{"https://app.example.com/cb/*", "https://app.example.com/cb/x/y", true},
		{"https://app.example.com/cb/*", "https://app.example.com/cbx", false},
		{"https://app.example.com/cb/*", "https://app.example.com/cb", false},
		{"https://*.example.com/cb", "https://a.example.com/cb", true},
		{"https://*.example.com/cb", "https://a.b.example.com/cb", true},
		{"https://*.example.com/cb", "https://example.com/cb", false},
		{"https://*.example.com/cb", "https://evilexample.com/cb", false},
		{"https://*.example.com/cb", "https://a.example.com.evil.com/cb", false},
		{"http://localhost/cb", "http://localhost:5173/cb", true},
		{"http://localhost:*/cb", "http://localhost:5173/cb", true},
		{"http://127.0.0.1:3000/cb", "http://127.0.0.1:3001/cb", false},
		{"https://app.example.com:*/cb", "https://app.example.com:9/cb", true},
		{"https://app.example.com/cb?x=1", "https://app.example.com/cb?x=2", false},
		{"https://app.example.com/cb?x=1", "https://app.example.com/cb?x=1", true},
		{"myapp:/callback", "myapp:/callback", true},
		{"myapp:/callback", "myapp:/other", false},
		{"https://app.example.com/cb", "http://app.example.com/cb", false},
	} {
		p, err := parsePattern(tc.pattern)
		if err != nil {
			t.Fatalf("pattern %q: %v", tc.pattern, err)
		}
		r, err := parseRedirectURI(tc.uri, "")
		if err != nil {
			if tc.want {
				t.Errorf("%q: %v", tc.uri, err)
			}
			continue
		}
		if got := p.match(r); got != tc.want {
			t.Errorf("pattern %q vs %q = %v, want %v", tc.pattern, tc.uri, got, tc.want)
		}
	}
	for _, bad := range []string{"https://a*.example.com/cb", "https://app.example.com/c*b", "javascript:x", "data://x", "https://user@app.example.com/", "nothing", "https://app.example.com/a/../b"} {
		if _, err := parsePattern(bad); err == nil {
			t.Errorf("pattern %q accepted", bad)
		}
	}
}

func TestExtraParamsOnRefresh(t *testing.T) {
	var got url.Values
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		got = r.PostForm
	}))
	defer srv.Close()
	tr := &extraParamTransport{base: http.DefaultTransport, tokenURL: srv.URL + "/token", extra: url.Values{"audience": {"api"}, "grant_type": {"evil"}}}
	c := &http.Client{Transport: tr}
	resp, err := c.PostForm(srv.URL+"/token", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {"r"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got.Get("audience") != "api" || got.Get("grant_type") != "refresh_token" || got.Get("refresh_token") != "r" {
		t.Fatalf("refresh form %v", got)
	}
	resp, _ = c.PostForm(srv.URL+"/token", url.Values{"grant_type": {"authorization_code"}})
	resp.Body.Close()
	if got.Has("audience") {
		t.Fatalf("extra parameters added to a non-refresh call (x/oauth2 adds them there itself): %v", got)
	}
}

// The parsers of untrusted input never panic, and what they accept
// satisfies the rules.
func FuzzRedirectURI(f *testing.F) {
	for _, s := range []string{"https://app.example.com/cb", "http://127.0.0.1:3000/cb", "http://localhost@evil.com/", "javascript:alert(1)", "myapp:/cb", "https://a/%2e%2e/x", "https://[::1]:80/x", "http://127.0.0.1:99999/"} {
		f.Add(s, "https://app.example.com/cb")
	}
	f.Fuzz(func(t *testing.T, raw, other string) {
		r, err := parseRedirectURI(raw, "http://127.0.0.1:8000/auth/callback")
		if err != nil {
			return
		}
		lower := strings.ToLower(raw)
		for _, s := range refusedSchemes {
			if strings.HasPrefix(lower, s+":") {
				t.Fatalf("accepted %q", raw)
			}
		}
		if strings.ContainsAny(raw, "#\\ \t\r\n") || !utf8.ValidString(raw) || r.u.User != nil {
			t.Fatalf("accepted %q", raw)
		}
		if o, err := parseRedirectURI(other, ""); err == nil {
			// Matching is symmetric in the rules it applies.
			if r.matches(o) != o.matches(r) {
				t.Fatalf("asymmetric match %q %q", raw, other)
			}
		}
		if p, err := parsePattern(other); err == nil {
			p.match(r)
		}
	})
}

func FuzzCIMD(f *testing.F) {
	f.Add("https://app.example.com/client.json", []byte(`{"client_id":"https://app.example.com/client.json","redirect_uris":["http://127.0.0.1/cb"]}`))
	f.Add("https://x/y", []byte(`{"client_id":1}`))
	f.Add("https://x/y", []byte(`[]`))
	p := &Proxy{callback: "https://proxy.example.com/auth/callback"}
	f.Fuzz(func(t *testing.T, id string, body []byte) {
		if _, err := checkCIMDURL(id); err != nil {
			return
		}
		reg, err := parseCIMD(id, body)
		if err != nil {
			return
		}
		if reg.ClientID != id {
			t.Fatal("document accepted with another client_id")
		}
		if c, err := p.validate(reg, true); err == nil {
			if c.AuthMethod != authNone || len(c.redirects) == 0 {
				t.Fatalf("document client %+v", c)
			}
		}
	})
}

func FuzzTokenRequest(f *testing.F) {
	f.Add("grant_type=authorization_code&code=x&client_id=y", "application/x-www-form-urlencoded", "")
	f.Add("grant_type=refresh_token&refresh_token=a&refresh_token=b", "application/x-www-form-urlencoded", "Basic eDp5")
	f.Add("%zz", "application/x-www-form-urlencoded", "Bearer x")
	f.Fuzz(func(t *testing.T, body, ct, authz string) {
		r := httptest.NewRequest("POST", "/token", strings.NewReader(body))
		r.Header.Set("Content-Type", ct)
		if authz != "" {
			r.Header.Set("Authorization", authz)
		}
		form, terr := tokenForm(r)
		if terr != nil {
			if terr.status != 400 || terr.code != "invalid_request" {
				t.Fatalf("form error %+v", terr)
			}
			return
		}
		for k, v := range form {
			if len(v) != 1 {
				t.Fatalf("repeated parameter %s accepted", k)
			}
		}
		if sc, err := parseScope(form.Get("scope")); err == nil {
			for _, s := range sc {
				if s == "" || strings.ContainsAny(s, " \"\\") {
					t.Fatalf("scope token %q", s)
				}
			}
		}
	})
}

// qualifyingUpstream is an upstream with a provider-specific scope form,
// like Entra ID's identifier-URI scopes.
type qualifyingUpstream struct{ upstream.Provider }

func (qualifyingUpstream) Name() string { return "test" }
func (qualifyingUpstream) Endpoint() oauth2.Endpoint {
	return oauth2.Endpoint{AuthURL: "https://idp.example/authorize", TokenURL: "https://idp.example/token"}
}
func (qualifyingUpstream) DefaultScopes() []string                  { return []string{"openid"} }
func (qualifyingUpstream) AuthCodeOptions() []oauth2.AuthCodeOption { return nil }
func (qualifyingUpstream) QualifyScope(s string) string {
	if s == "openid" {
		return s
	}
	return "api://app/" + s
}

// TestOperatorScopesQualified: scopes set by the operator
// (MCPGEN_AUTH_AZURE_SCOPES=read) reach the upstream in its full form.
func TestOperatorScopesQualified(t *testing.T) {
	p, err := New(Config{Upstream: qualifyingUpstream{}, ClientID: "c", ClientSecret: "s",
		BaseURL: "http://127.0.0.1:8000", UpstreamScopes: []string{"openid", "read"}})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if got, want := p.oauth.Scopes, []string{"openid", "api://app/read"}; !slices.Equal(got, want) {
		t.Errorf("upstream scopes %q, want %q", got, want)
	}
}
