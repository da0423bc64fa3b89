// Package transports is served over Streamable HTTP and legacy SSE at once
// (see the flags file); its tool shows which HTTP request's headers a tool
// sees under each transport.
//
//mcp:server name=transports version=1.0.0
package transports

import (
	"context"
	"net/http"
	"strings"
)

// Headers returns the value of one request header as the tool sees it,
// and the names of every header it was given.
//
//mcp:tool name=headers readonly
func Headers(ctx context.Context, h http.Header, name string) (HeadersOutput, error) {
	names := make([]string, 0, len(h))
	for k := range h {
		names = append(names, strings.ToLower(k))
	}
	return HeadersOutput{Value: h.Get(name), Names: names}, nil
}

// HeadersOutput is what Headers saw.
type HeadersOutput struct {
	Value string   `json:"value"`
	Names []string `json:"names"`
}
