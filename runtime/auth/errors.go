package auth

import (
	"errors"
	"fmt"
)

// ErrInvalidToken is wrapped by every verifier error that means "this
// token is not acceptable" (expired, bad signature, wrong audience...).
// Middleware answers 401 error="invalid_token" for it, and for any other
// error a Verifier returns, so an unexpected error still denies.
var ErrInvalidToken = errors.New("invalid token")

// ErrUnavailable is wrapped by verifier errors that mean "cannot decide
// now" (the JWKS or introspection endpoint is down). Middleware answers
// 503 so that clients retry instead of starting a new authorization.
var ErrUnavailable = errors.New("token verification unavailable")

// TokenError is an ErrInvalidToken with a reason safe to show the client
// in error_description.
type TokenError struct {
	Reason string
	Err    error // the underlying cause, for logs; may be nil
}

// Error returns the reason and the cause.
func (e *TokenError) Error() string {
	if e.Err != nil {
		return "invalid token: " + e.Reason + ": " + e.Err.Error()
	}
	return "invalid token: " + e.Reason
}

// Is makes errors.Is(err, ErrInvalidToken) hold.
func (e *TokenError) Is(target error) bool { return target == ErrInvalidToken }

// Unwrap returns the cause.
func (e *TokenError) Unwrap() error { return e.Err }

func invalid(reason string, args ...any) error {
	if len(args) > 0 {
		reason = fmt.Sprintf(reason, args...)
	}
	return &TokenError{Reason: reason}
}

func invalidErr(reason string, err error) error { return &TokenError{Reason: reason, Err: err} }

func unavailable(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrUnavailable, fmt.Sprintf(format, args...))
}
