package runtime

import (
	"context"
	"log/slog"
	"runtime/debug"
)

// Go runs f(ctx) on a new goroutine and recovers a panic in it, logging
// the panic and its stack at error level with slog's default logger (or
// the one given to SetGoLogger), so the server keeps serving.
//
// Tool, resource and prompt handlers may panic safely: the runtime turns
// the panic into an error result. A goroutine a handler starts with the
// go statement has no such net: a panic in it ends the whole process, as
// in any Go program. Start background work with runtime.Go instead. ctx
// is passed as it is: to outlive the call, pass
// context.WithoutCancel(ctx).
func Go(ctx context.Context, f func(ctx context.Context)) {
	go func() {
		defer func() {
			if v := recover(); v != nil {
				l := goLogger
				if l == nil {
					l = slog.Default()
				}
				l.ErrorContext(ctx, "mcp: panic in a goroutine started with runtime.Go", "panic", v, "stack", string(debug.Stack()))
			}
		}()
		f(ctx)
	}()
}

// goLogger is the logger of Go's panic lines; nil means slog.Default().
var goLogger *slog.Logger

// SetGoLogger sets the logger runtime.Go reports panics to (nil: slog's
// default logger). Call it once at start-up, before any Go.
func SetGoLogger(l *slog.Logger) { goLogger = l }
