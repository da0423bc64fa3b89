package auth_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/mcpgen/mcpgen/runtime"
	"github.com/mcpgen/mcpgen/runtime/auth"
)

func TestCheckScopes(t *testing.T) {
	tok := &auth.AccessToken{Subject: "alice", Scopes: []string{"read", "write"}}
	withTok := auth.WithToken(context.Background(), tok)
	tests := []struct {
		name     string
		ctx      context.Context
		required []string
		missing  []string
		status   int
		www      string
	}{
		{"nothing required", context.Background(), nil, nil, 0, ""},
		{"granted", withTok, []string{"read"}, nil, 0, ""},
		{"all granted", withTok, []string{"write", "read"}, nil, 0, ""},
		{"one missing", withTok, []string{"read", "admin"}, []string{"admin"}, 403, `Bearer error="insufficient_scope", error_description="the token lacks required scopes", scope="read admin"`},
		{"no token", context.Background(), []string{"read"}, []string{"read"}, 401, `Bearer scope="read"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := auth.CheckScopes(tt.ctx, tt.required)
			if tt.status == 0 {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			var se *auth.ScopeError
			if !errors.As(err, &se) {
				t.Fatalf("err = %v, want *ScopeError", err)
			}
			if se.HTTPStatus() != tt.status || se.WWWAuthenticate() != tt.www || len(se.Missing) != len(tt.missing) || se.Missing[0] != tt.missing[0] {
				t.Fatalf("got %+v status %d www %q", se, se.HTTPStatus(), se.WWWAuthenticate())
			}
			var re *runtime.Error
			if !errors.As(err, &re) || re.Code != auth.CodeInsufficientScope {
				t.Fatalf("ScopeError does not unwrap to a protocol error: %v", err)
			}
			var data struct{ MissingScopes []string }
			if json.Unmarshal(re.Data, &data); len(data.MissingScopes) != len(tt.missing) {
				t.Fatalf("data %s", re.Data)
			}
		})
	}
}

func TestAuthorize(t *testing.T) {
	ctx := auth.WithToken(context.Background(), &auth.AccessToken{Scopes: []string{"a"}})
	if err := auth.Authorize(ctx, "tool", "t", []string{"a"}); err != nil {
		t.Fatal(err)
	}
	err := auth.Authorize(ctx, "tool", "delete_all", []string{"a", "admin"})
	var ee *auth.EntryError
	var re *runtime.Error
	if !errors.As(err, &ee) || ee.Name != "delete_all" || ee.HTTPStatus() != 403 || !errors.As(err, &re) {
		t.Fatalf("err = %v", err)
	}
	if got := err.Error(); got != `tool "delete_all": insufficient scope: missing admin` {
		t.Fatalf("message %q", got)
	}
}

func TestHasScopes(t *testing.T) {
	var nilTok *auth.AccessToken
	tests := []struct {
		tok    *auth.AccessToken
		scopes []string
		want   bool
	}{
		{nilTok, nil, false},
		{nilTok, []string{"a"}, false},
		{&auth.AccessToken{}, nil, true},
		{&auth.AccessToken{Scopes: []string{"a", "b"}}, []string{"b", "a"}, true},
		{&auth.AccessToken{Scopes: []string{"a"}}, []string{"a", "b"}, false},
		{&auth.AccessToken{Scopes: []string{"ab"}}, []string{"a"}, false},
	}
	for i, tt := range tests {
		if got := tt.tok.HasScopes(tt.scopes...); got != tt.want {
			t.Errorf("%d: HasScopes = %v", i, got)
		}
	}
	if auth.TokenFromContext(context.Background()) != nil {
		t.Fatal("token from an empty context")
	}
}
