package conformance

import (
	"context"

	"github.com/mcpgen/mcpgen/runtime"
)

// TouchWatchedResource announces that test://watched-resource changed.
// Sessions subscribed to it (resources/subscribe) receive
// notifications/resources/updated on their standalone GET stream, and
// 2026 subscriptions/listen streams that named it on theirs: the browser
// test (interop/browser) uses it to see a notification arrive on a
// stream the server opened for no request.
//
//mcp:tool name=test_touch_watched_resource idempotent
func TouchWatchedResource(ctx context.Context, s *runtime.Session) (string, error) {
	s.Server().NotifyResourceUpdated("test://watched-resource")
	return "notifications/resources/updated published for test://watched-resource", nil
}
