package auth_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/mcpgen/mcpgen/runtime/auth"
)

func TestStaticTokensLoopbackOnly(t *testing.T) {
	toks := map[string]auth.StaticToken{"dev": {Subject: "dev"}}
	tests := []struct {
		host  string
		allow bool
		ok    bool
	}{
		{"127.0.0.1", false, true},
		{"localhost", false, true},
		{"::1", false, true},
		{"[::1]:8000", false, true},
		{"127.0.0.2", false, true},
		{"0.0.0.0", false, false},
		{"::", false, false},
		{"192.168.1.10", false, false},
		{"mcp.example.com", false, false},
		{"0.0.0.0", true, true},
	}
	for _, tt := range tests {
		t.Run(tt.host, func(t *testing.T) {
			opts := []auth.Option{auth.WithStaticTokens(toks), auth.WithBindHost(tt.host)}
			if tt.allow {
				opts = append(opts, auth.AllowNonLoopback())
			}
			_, err := auth.NewStaticTokens(opts...)
			if (err == nil) != tt.ok {
				t.Fatalf("err = %v, want ok=%v", err, tt.ok)
			}
			if err != nil && !strings.Contains(err.Error(), "auth.AllowNonLoopback") {
				t.Fatalf("error does not say how to override: %v", err)
			}
		})
	}
}

func TestStaticTokensVerify(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	toks, err := auth.ParseStaticTokens([]byte(`{
		"alice-token": {"client_id": "cli", "sub": "alice", "scopes": ["read", "write"]},
		"bob-token": {"sub": "bob", "scopes": "read", "expires_at": "2025-12-31T00:00:00Z"},
		"carol-token": {"sub": "carol", "expires_at": 1893456000}
	}`))
	if err != nil {
		t.Fatal(err)
	}
	v, err := auth.NewStaticTokens(auth.WithStaticTokens(toks), auth.WithBindHost("127.0.0.1"), auth.WithClock(func() time.Time { return now }))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		token, sub, client string
		scopes             []string
		err                string
	}{
		{"alice-token", "alice", "cli", []string{"read", "write"}, ""},
		{"bob-token", "", "", nil, "token expired"},
		{"carol-token", "carol", "carol", nil, ""},
		{"alice-token2", "", "", nil, "unknown token"},
		{"", "", "", nil, "unknown token"},
	}
	for _, tt := range tests {
		tok, err := v.Verify(context.Background(), tt.token)
		if tt.err != "" {
			if err == nil || !errors.Is(err, auth.ErrInvalidToken) || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("%q: err = %v, want %q", tt.token, err, tt.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: %v", tt.token, err)
			continue
		}
		if tok.Subject != tt.sub || tok.ClientID != tt.client || strings.Join(tok.Scopes, " ") != strings.Join(tt.scopes, " ") || tok.Token != tt.token {
			t.Errorf("%q: got %+v", tt.token, tok)
		}
	}
}

func TestParseStaticTokensErrors(t *testing.T) {
	tests := []struct{ in, want string }{
		{``, "want a JSON object"},
		{`null`, "got null"},
		{`[]`, "want a JSON object"},
		{`{"a": {"scope": ["x"]}}`, "unknown field"},
		{`{"a b": {}}`, "a token must be"},
		{`{"": {}}`, "a token must be"},
		{`{"a": {"scopes": [1]}}`, "scopes"},
		{`{"a": {"scopes": ["x\"y"]}}`, "scope"},
		{`{"a": {"expires_at": "soon"}}`, "expires_at"},
		{`{"a": {"expires_at": -5}}`, "expires_at"},
		{`{"a": {}} {}`, "trailing data"},
		{`{"secret-value!": {}}`, "entry 1"},
	}
	for _, tt := range tests {
		_, err := auth.ParseStaticTokens([]byte(tt.in))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err = %v, want %q", tt.in, err, tt.want)
		}
		if err != nil && strings.Contains(tt.in, "secret-value") && strings.Contains(err.Error(), "secret-value") {
			t.Errorf("error message leaks the token: %v", err)
		}
	}
}
