package auth

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
)

// TestAuthClientRedirects: the JWKS and introspection client re-applies
// the https-or-loopback rule to every redirect, refuses to move from
// another host onto loopback, and stops after a few hops; a client given
// with WithHTTPClient gets the same policy.
func TestAuthClientRedirects(t *testing.T) {
	hops := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/plain":
			http.Redirect(w, r, "http://192.0.2.1/jwks", http.StatusFound)
		case "/ftp":
			http.Redirect(w, r, "ftp://127.0.0.1/jwks", http.StatusFound)
		case "/loop":
			hops++
			http.Redirect(w, r, "/loop", http.StatusFound)
		case "/ok":
			http.Redirect(w, r, "/jwks", http.StatusFound)
		default:
			w.Write([]byte(`{"keys":[]}`))
		}
	}))
	defer srv.Close()
	for _, custom := range []*http.Client{nil, {}} {
		c := (&settings{httpClient: custom, fetchTimeout: DefaultFetchTimeout}).client()
		for path, want := range map[string]string{
			"/plain": "plain http is only allowed for loopback",
			"/ftp":   "want an https URL",
			"/loop":  "stopped after",
		} {
			resp, err := c.Get(srv.URL + path)
			if err == nil {
				resp.Body.Close()
				t.Fatalf("%s: followed (%d)", path, resp.StatusCode)
			}
			if !strings.Contains(err.Error(), want) {
				t.Fatalf("%s: %v, want %q", path, err, want)
			}
		}
		resp, err := c.Get(srv.URL + "/ok")
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("same-host redirect: %v", err)
		}
		resp.Body.Close()
	}
	if hops > 2*(maxAuthRedirects+1) {
		t.Fatalf("%d hops followed", hops)
	}
	if err := checkRedirect(httptest.NewRequest("GET", "http://127.0.0.1/x", nil), []*http.Request{httptest.NewRequest("GET", "https://idp.example.com/jwks", nil)}, false); err == nil {
		t.Fatal("redirect from a remote host to loopback followed")
	}
}

// TestAuthClientKeepsPOSTsWhereSent: an introspection, token or revocation
// POST carries a credential; a 307/308 (which re-sends the body) or any
// other redirect of it is refused, and the body reaches nobody else.
func TestAuthClientKeepsPOSTsWhereSent(t *testing.T) {
	var elsewhere atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { elsewhere.Add(1) }))
	defer other.Close()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		code, _ := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/"))
		http.Redirect(w, r, other.URL+"/introspect", code)
	}))
	defer srv.Close()
	for _, c := range []*http.Client{(&settings{fetchTimeout: DefaultFetchTimeout}).client(), HTTPClient(DefaultFetchTimeout)} {
		for _, code := range []int{301, 302, 303, 307, 308} {
			resp, err := c.Post(srv.URL+"/"+strconv.Itoa(code), "application/x-www-form-urlencoded", strings.NewReader("token=secret-token"))
			if err == nil {
				resp.Body.Close()
				t.Fatalf("POST redirected with %d: followed (%d)", code, resp.StatusCode)
			}
			if !strings.Contains(err.Error(), "refused to follow a redirect of a POST") {
				t.Fatalf("POST redirected with %d: %v", code, err)
			}
		}
	}
	if n := elsewhere.Load(); n != 0 {
		t.Fatalf("the redirect target was reached %d times", n)
	}
}
