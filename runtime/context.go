package runtime

import (
	"context"
	"errors"
	"net/http"
	"strings"
)

type httpRequestKey struct{}

// WithHTTPRequest returns ctx carrying r; transports call it so that
// HTTPRequest and HTTPHeaders work inside handlers.
func WithHTTPRequest(ctx context.Context, r *http.Request) context.Context {
	return context.WithValue(ctx, httpRequestKey{}, r)
}

// ErrNoHTTPRequest is returned by HTTPRequest outside an HTTP request.
var ErrNoHTTPRequest = errors.New("runtime: no HTTP request in this context (stdio transport or a context not from a handler)")

// HTTPRequest returns the HTTP request that carried the current message.
func HTTPRequest(ctx context.Context) (*http.Request, error) {
	if r, ok := ctx.Value(httpRequestKey{}).(*http.Request); ok && r != nil {
		return r, nil
	}
	return nil, ErrNoHTTPRequest
}

// HTTPHeaders returns the headers of the HTTP request that carried the
// current message, without the hop-by-hop, transport and credential
// headers (authorization, host, content-length, content-type, connection,
// transfer-encoding, upgrade, te, keep-alive, expect, accept, proxy-*,
// mcp-session-id). It is empty, never nil, outside an HTTP request.
func HTTPHeaders(ctx context.Context) http.Header {
	r, _ := HTTPRequest(ctx)
	return filterHeaders(r)
}

var excludedHeaders = map[string]bool{
	"Authorization": true, "Host": true, "Content-Length": true, "Content-Type": true,
	"Connection": true, "Transfer-Encoding": true, "Upgrade": true, "Te": true,
	"Keep-Alive": true, "Expect": true, "Accept": true, "Mcp-Session-Id": true,
}

func filterHeaders(r *http.Request) http.Header {
	h := http.Header{}
	if r == nil {
		return h
	}
	for k, v := range r.Header {
		ck := http.CanonicalHeaderKey(k)
		if excludedHeaders[ck] || strings.HasPrefix(ck, "Proxy-") {
			continue
		}
		h[ck] = append([]string(nil), v...)
	}
	return h
}
