package streamable

import (
	"net/http"
	"strconv"

	"github.com/mcpgen/mcpgen/runtime"
)

// guard is the handler's Host/Origin check. The rules are runtime's
// (runtime.HostGuard), shared with the legacy SSE transport; this adapter
// only keeps the handler's call site (h.guard.check) as it is.
type guard struct{ g *runtime.HostGuard }

func newGuard(cfg *runtime.Config) *guard { return &guard{runtime.NewHostGuard(cfg)} }

// check returns the HTTP status and message for a request that fails
// validation, or 0.
func (g *guard) check(r *http.Request) (int, string) { return g.g.Check(r) }

// quoteHeader quotes an untrusted header value for an error message,
// bounded so a huge header cannot bloat the answer.
func quoteHeader(s string) string {
	if len(s) > 200 {
		s = s[:200] + "..."
	}
	return strconv.Quote(s)
}
