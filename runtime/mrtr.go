package runtime

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"
)

// Multi round-trip requests (2026-07-28, SEP-2322). A 2026 server sends
// no requests to the client. When a tool, prompt or resource handler
// calls Session.Elicit, CreateMessage or ListRoots on a 2026 request, the
// call either returns the answer the client supplied in inputResponses
// (or one carried over from an earlier round in requestState), or records
// what is missing and returns ErrInputRequired. When the handler
// returns, the runtime answers with an input_required result listing
// every recorded request, whatever the handler made of the error; the
// client asks the user (or its model), then repeats the same request
// with the answers, and the handler runs again from the start. Handlers
// therefore work unchanged under 2025-11-25 (where the same calls are
// server-to-client requests on the response stream) as long as what they
// do before asking can be repeated.
//
// requestState carries the answers of earlier rounds (a retry only
// carries the latest ones). It is sealed with AES-256-GCM: the client
// can neither read the answers nor change them, and it is bound to the
// method, the request's parameters and a time of issue.

// ErrInputRequired is returned (wrapped) by Session.Elicit,
// CreateMessage and ListRoots on a 2026-07-28 request whose answer the
// client has not supplied yet. Return it (or any error): the runtime
// turns the call into an input_required result. A handler that wants
// several answers in one round may go on after it and make its other
// calls first.
var ErrInputRequired = errors.New("runtime: input required from the client (the request is answered with input_required and retried)")

// RequestStateTTL bounds how long a requestState stays valid.
const RequestStateTTL = time.Hour

type inputKeyCtx struct{}

type principalCtx struct{}

// WithPrincipal returns ctx naming the authenticated caller (a user or
// client id). Auth middleware sets it; the requestState of a 2026
// input_required result is then bound to that caller, so a state issued
// to one user cannot be replayed by another.
func WithPrincipal(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, principalCtx{}, id)
}

// Principal returns the caller named by WithPrincipal, or "".
func Principal(ctx context.Context) string {
	id, _ := ctx.Value(principalCtx{}).(string)
	return id
}

// principalDigest is what a requestState stores of the caller: enough to
// compare, nothing to read.
func principalDigest(ctx context.Context) string {
	id := Principal(ctx)
	if id == "" {
		return ""
	}
	sum := sha256.Sum256([]byte("mcpgen principal\x00" + id))
	return base64.RawURLEncoding.EncodeToString(sum[:12])
}

// WithInputKey names the next Session.Elicit, CreateMessage or ListRoots
// call made with the returned context. On a 2026 request the name is the
// key of the entry in inputRequests (and of the client's answer in
// inputResponses); without one, keys are "elicitation-1",
// "sampling-2", ... by call order, which is stable as long as the
// handler asks in the same order each time it runs. Under 2025 it has
// no effect.
func WithInputKey(ctx context.Context, key string) context.Context {
	return context.WithValue(ctx, inputKeyCtx{}, key)
}

// inputRequest is one entry of inputRequests.
type inputRequest struct {
	Method string `json:"method"`
	Params any    `json:"params"`
}

// mrtrRun is the input bookkeeping of one 2026 request.
type mrtrRun struct {
	who     string // principalDigest of the caller
	method  string
	params  json.RawMessage
	digest  string                     // of params, computed when a state is opened or sealed
	answers map[string]json.RawMessage // from requestState, then inputResponses
	used    map[string]json.RawMessage // answers the handler consumed
	pending map[string]inputRequest
	seq     int
	bad     *Error // a malformed answer or a missing capability: the request fails
}

// sealedState is the plaintext of a requestState.
type sealedState struct {
	Method  string                     `json:"m"`
	Digest  string                     `json:"d"`
	Who     string                     `json:"p,omitempty"` // digest of the principal, if any
	Issued  int64                      `json:"t"`
	Answers map[string]json.RawMessage `json:"a,omitempty"`
}

const stateAD = "mcpgen requestState v1"

// initRequestState sets up the AEAD that seals requestState.
func (s *Server) initRequestState() error {
	key := s.cfg.RequestStateKey
	if len(key) == 0 {
		key = make([]byte, 32)
		rand.Read(key) // never fails (crypto/rand panics instead)
	}
	sum := sha256.Sum256(key)
	block, err := aes.NewCipher(sum[:])
	if err != nil {
		return fmt.Errorf("request state key: %w", err)
	}
	s.stateAEAD, err = cipher.NewGCM(block)
	return err
}

func (s *Server) sealState(st *sealedState) (string, error) {
	plain, err := json.Marshal(st)
	if err != nil {
		return "", err
	}
	nonce := make([]byte, s.stateAEAD.NonceSize(), s.stateAEAD.NonceSize()+len(plain)+s.stateAEAD.Overhead())
	rand.Read(nonce)
	return base64.RawURLEncoding.EncodeToString(s.stateAEAD.Seal(nonce, nonce, plain, []byte(stateAD))), nil
}

var errBadState = &Error{Code: CodeInvalidParams, Message: "invalid params: requestState is not valid for this request (altered, expired, or issued for another request); retry the request without requestState and inputResponses"}

func (s *Server) openState(raw string, method, digest, who string, now time.Time) (*sealedState, *Error) {
	b, err := base64.RawURLEncoding.DecodeString(raw)
	ns := s.stateAEAD.NonceSize()
	if err != nil || len(b) < ns+s.stateAEAD.Overhead() {
		return nil, errBadState
	}
	plain, err := s.stateAEAD.Open(nil, b[:ns], b[ns:], []byte(stateAD))
	if err != nil {
		return nil, errBadState
	}
	var st sealedState
	if json.Unmarshal(plain, &st) != nil || st.Method != method || st.Digest != digest || st.Who != who {
		return nil, errBadState
	}
	issued := time.Unix(st.Issued, 0)
	if now.Sub(issued) > RequestStateTTL || issued.Sub(now) > time.Minute {
		return nil, errBadState
	}
	return &st, nil
}

// paramsDigest identifies a request's parameters apart from the MRTR
// members and _meta, in a canonical form (encoding/json sorts object
// keys), so a retry that re-encodes the same parameters matches.
func paramsDigest(params json.RawMessage) string {
	var m map[string]any
	if len(params) > 0 {
		_ = json.Unmarshal(params, &m)
	}
	delete(m, "_meta")
	delete(m, "inputResponses")
	delete(m, "requestState")
	b, _ := json.Marshal(m)
	sum := sha256.Sum256(b)
	return base64.RawURLEncoding.EncodeToString(sum[:16])
}

// openRun prepares the input bookkeeping of a tools/call, prompts/get or
// resources/read: the answers from requestState (verified) and
// inputResponses.
func (s *Server) openRun(ctx context.Context, method string, params json.RawMessage, env *envelope) (*mrtrRun, *Error) {
	run := &mrtrRun{method: method, params: params, who: principalDigest(ctx)}
	if env.state != nil && *env.state != "" {
		run.digest = paramsDigest(params)
		st, err := s.openState(*env.state, method, run.digest, run.who, time.Now())
		if err != nil {
			return nil, err
		}
		run.answers = st.Answers
	}
	if r := env.responses; len(r) > 0 && string(r) != "null" {
		var m map[string]json.RawMessage
		if r[0] != '{' || json.Unmarshal(r, &m) != nil {
			return nil, invalidParams("inputResponses must be an object mapping each inputRequests key to the client's result")
		}
		if run.answers == nil {
			run.answers = m
		} else {
			for k, v := range m {
				run.answers[k] = v
			}
		}
	}
	return run, nil
}

// inputRequired encodes the input_required result of a run: what is
// still missing, and the answers so far, sealed.
func (s *Server) inputRequired(run *mrtrRun) []byte {
	if run.digest == "" {
		run.digest = paramsDigest(run.params)
	}
	state, err := s.sealState(&sealedState{Method: run.method, Digest: run.digest, Who: run.who, Issued: time.Now().Unix(), Answers: run.used})
	if err != nil {
		state = ""
	}
	b, err := json.Marshal(struct {
		ResultType    string                  `json:"resultType"`
		InputRequests map[string]inputRequest `json:"inputRequests"`
		RequestState  string                  `json:"requestState,omitempty"`
	}{"input_required", run.pending, state})
	if err != nil {
		s.cfg.Logger.Error("mcp: cannot encode input_required result", "err", err)
		return []byte(`{"resultType":"input_required"}`)
	}
	return b
}

// inputKinds names the input request kinds for default keys.
var inputKinds = map[string]string{
	"elicitation/create":     "elicitation",
	"sampling/createMessage": "sampling",
	"roots/list":             "roots",
}

// callModern is Conn.call on a 2026 request: answer from the run, or
// record the request and return ErrInputRequired.
func (c *Conn) callModern(ctx context.Context, r *inflight, method string, params, result any) error {
	var rt *runningTask
	if r != nil {
		rt = r.task
	}
	c.mu.Lock()
	capName := capabilityFor[method]
	if _, ok := c.capsLocked()[capName]; capName != "" && !ok {
		e := MissingCapability(capName)
		if c.mrtr != nil && c.mrtr.bad == nil {
			if rt == nil {
				c.mrtr.bad = e
			} else {
				rt.preInput(ctx, func() bool { c.mrtr.bad = e; return true })
			}
		}
		c.mu.Unlock()
		return e
	}
	if rt != nil {
		var err error
		if c.mrtr != nil && rt.preInput(ctx, func() bool {
			err = c.recordInput(ctx, method, params, result)
			return errors.Is(err, ErrInputRequired) || c.mrtr.bad != nil
		}) {
			c.mu.Unlock()
			return err
		}
		c.mu.Unlock()
		return rt.ask(ctx, method, params, result)
	}
	defer c.mu.Unlock()
	return c.recordInput(ctx, method, params, result)
}

// recordInput answers a 2026 input request from the request's MRTR run,
// or records it as missing and returns ErrInputRequired. c.mu must be
// held.
func (c *Conn) recordInput(ctx context.Context, method string, params, result any) error {
	run := c.mrtr
	if run == nil {
		return fmt.Errorf("runtime: %s is only available to tools/call, prompts/get and resources/read in protocol version %s", method, Version20260728)
	}
	run.seq++
	key, _ := ctx.Value(inputKeyCtx{}).(string)
	if key == "" {
		key = inputKinds[method] + "-" + strconv.Itoa(run.seq)
	}
	if raw, ok := run.answers[key]; ok {
		if err := decodeAnswer(method, raw, result); err != nil {
			e := invalidParams("inputResponses[%q]: %v", key, err)
			if run.bad == nil {
				run.bad = e
			}
			return e
		}
		if run.used == nil {
			run.used = map[string]json.RawMessage{}
		}
		run.used[key] = raw
		return nil
	}
	if run.pending == nil {
		run.pending = map[string]inputRequest{}
	}
	if params == nil {
		params = struct{}{}
	}
	run.pending[key] = inputRequest{Method: method, Params: params}
	return fmt.Errorf("%s %q: %w", method, key, ErrInputRequired)
}

// decodeAnswer checks the shape of a client's answer and decodes it.
func decodeAnswer(method string, raw json.RawMessage, result any) error {
	if len(raw) == 0 || raw[0] != '{' {
		return errors.New("must be an object")
	}
	switch method {
	case "elicitation/create":
		var r ElicitResult
		if err := json.Unmarshal(raw, &r); err != nil {
			return err
		}
		switch r.Action {
		case "accept", "decline", "cancel":
		default:
			return errors.New(`action must be "accept", "decline" or "cancel"`)
		}
	case "sampling/createMessage":
		var r CreateMessageResult
		if err := json.Unmarshal(raw, &r); err != nil {
			return err
		}
		if len(r.Content) == 0 {
			return errors.New("content is required")
		}
	case "roots/list":
		var r struct {
			Roots []Root `json:"roots"`
		}
		if err := json.Unmarshal(raw, &r); err != nil {
			return err
		}
		if r.Roots == nil {
			return errors.New("roots is required")
		}
	}
	if result == nil {
		return nil
	}
	return json.Unmarshal(raw, result)
}
