package auth

import "time"

// SetStreamGrace lets tests shorten the grace after token expiry before
// an event stream is closed; it returns a function restoring it.
func SetStreamGrace(d time.Duration) (restore func()) {
	old := streamGrace
	streamGrace = d
	return func() { streamGrace = old }
}
