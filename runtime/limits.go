package runtime

import (
	"fmt"
	"strings"
	"time"
)

// Defaults of the time limits; see Config and docs/limits.md.
const (
	// DefaultRequestTimeout bounds one request's run, including the
	// server-to-client requests it waits on (elicitation, sampling,
	// roots) that a client may never answer.
	DefaultRequestTimeout = 5 * time.Minute
	// DefaultReadHeaderTimeout bounds reading a request's headers.
	DefaultReadHeaderTimeout = 30 * time.Second
	// DefaultBodyReadTimeout bounds reading a request's body, counted
	// from the end of its headers.
	DefaultBodyReadTimeout = 30 * time.Second
	// DefaultIdleTimeout bounds how long a keep-alive connection waits
	// for its next request. It is longer than Go's and browsers' client
	// idle timeouts (90 s and less), so clients close first and never
	// send a request on a connection the server is closing.
	DefaultIdleTimeout = 2 * time.Minute
	// writeTimeoutMargin is added to RequestTimeout for the default
	// WriteTimeout: a JSON answer is written after its call returns.
	writeTimeoutMargin = 30 * time.Second
)

// writeTimeoutUnset marks WriteTimeout as not given: it then follows
// RequestTimeout.
const writeTimeoutUnset = -1

func (c *Config) setLimitDefaults() {
	c.RequestTimeout = DefaultRequestTimeout
	c.ReadHeaderTimeout = DefaultReadHeaderTimeout
	c.BodyReadTimeout = DefaultBodyReadTimeout
	c.IdleTimeout = DefaultIdleTimeout
	c.WriteTimeout = writeTimeoutUnset
}

// limitsFromEnv reads the MCPGEN_* time limits: Go durations ("30s",
// "2m"), "0" for none.
func (c *Config) limitsFromEnv(getenv func(string) string) error {
	for _, d := range []struct {
		name string
		dst  *time.Duration
	}{
		{"MCPGEN_REQUEST_TIMEOUT", &c.RequestTimeout},
		{"MCPGEN_READ_HEADER_TIMEOUT", &c.ReadHeaderTimeout},
		{"MCPGEN_BODY_READ_TIMEOUT", &c.BodyReadTimeout},
		{"MCPGEN_IDLE_TIMEOUT", &c.IdleTimeout},
		{"MCPGEN_WRITE_TIMEOUT", &c.WriteTimeout},
	} {
		v := strings.TrimSpace(getenv(d.name))
		if v == "" {
			continue
		}
		if v == "0" {
			*d.dst = 0
			continue
		}
		t, err := time.ParseDuration(v)
		if err != nil || t < 0 {
			return fmt.Errorf("%s=%q: want a Go duration such as 30s or 5m, or 0 for none", d.name, v)
		}
		*d.dst = t
	}
	return nil
}

// resolveLimits derives what follows from other settings once options
// have applied: WriteTimeout, unless given, is RequestTimeout plus a
// margin (none when RequestTimeout is none). Negative limits mean none.
func (c *Config) resolveLimits() {
	if c.WriteTimeout == writeTimeoutUnset {
		c.WriteTimeout = 0
		if c.RequestTimeout > 0 {
			c.WriteTimeout = c.RequestTimeout + writeTimeoutMargin
		}
	}
	for _, d := range []*time.Duration{&c.RequestTimeout, &c.ReadHeaderTimeout, &c.BodyReadTimeout, &c.IdleTimeout, &c.WriteTimeout} {
		if *d < 0 {
			*d = 0
		}
	}
}

// WithReadHeaderTimeout bounds reading a request's headers
// (MCPGEN_READ_HEADER_TIMEOUT; http.Server.ReadHeaderTimeout of
// ListenAndServe and Serve). 0 means none.
func WithReadHeaderTimeout(d time.Duration) Option {
	return func(c *Config) { c.ReadHeaderTimeout = d }
}

// WithBodyReadTimeout bounds reading a request's body, counted from the
// end of its headers (MCPGEN_BODY_READ_TIMEOUT). ServeHTTP sets it as the
// connection's read deadline, so it holds also when the server is mounted
// in another http.Server. A body still incomplete then is answered 408
// and its connection closed. 0 means none.
func WithBodyReadTimeout(d time.Duration) Option {
	return func(c *Config) { c.BodyReadTimeout = d }
}

// WithIdleTimeout bounds how long a keep-alive connection may wait for
// its next request (MCPGEN_IDLE_TIMEOUT; http.Server.IdleTimeout of
// ListenAndServe and Serve). 0 means none.
func WithIdleTimeout(d time.Duration) Option {
	return func(c *Config) { c.IdleTimeout = d }
}

// WithWriteTimeout bounds a non-streaming response, from the end of the
// request's headers to the end of the response (MCPGEN_WRITE_TIMEOUT;
// http.Server.WriteTimeout of ListenAndServe and Serve). Event streams
// are exempt: they clear it and bound each write instead. Default:
// RequestTimeout plus 30 s. 0 means none.
func WithWriteTimeout(d time.Duration) Option {
	return func(c *Config) { c.WriteTimeout = d }
}
