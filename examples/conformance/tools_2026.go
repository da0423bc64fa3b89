package conformance

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/mcpgen/mcpgen/runtime"
)

// Fixtures of the 2026-07-28 scenarios of the conformance suite
// (0.2.0-alpha): the stateless core's diagnostic tools and the
// multi-round-trip (input_required) flows. They use the same Session
// calls as the 2025 fixtures; the runtime turns them into input_required
// results on 2026 requests and into server-to-client requests on 2025
// sessions. runtime.WithInputKey gives the entries of inputRequests the
// names the suite's scenarios look for.

// nameSchema asks for one required string property.
func nameSchema(prop string) map[string]any {
	return map[string]any{
		"type":       "object",
		"properties": map[string]any{prop: map[string]any{"type": "string"}},
		"required":   []string{prop},
	}
}

// confirmSchema asks for one required boolean "ok".
var confirmSchema = map[string]any{
	"type":       "object",
	"properties": map[string]any{"ok": map[string]any{"type": "boolean"}},
	"required":   []string{"ok"},
}

// askText builds the sampling request of one user text message.
func askText(text string, maxTokens int) *runtime.CreateMessageParams {
	content, _ := json.Marshal(runtime.Text(text))
	return &runtime.CreateMessageParams{
		Messages:  []runtime.SamplingMessage{{Role: "user", Content: content}},
		MaxTokens: maxTokens,
	}
}

// MissingCapability needs the client's sampling capability: a client that
// did not declare it gets the -32021 error (the runtime raises it from
// CreateMessage on 2026 requests).
//
//mcp:tool name=test_missing_capability
func MissingCapability(ctx context.Context, s *runtime.Session) (string, error) {
	res, err := s.CreateMessage(runtime.WithInputKey(ctx, "sample"), askText("Say hello", 20))
	if err != nil {
		return "", err
	}
	return "Sampling answered: " + samplingText(res.Content), nil
}

// StreamingElicitation asks the user for a name. On 2026 requests that
// is an input_required result, never a request on the response stream.
//
//mcp:tool name=test_streaming_elicitation
func StreamingElicitation(ctx context.Context, s *runtime.Session) (string, error) {
	_ = s.Progress(0, 1, "asking the user")
	res, err := s.Elicit(runtime.WithInputKey(ctx, "user_name"), "What is your name?", nameSchema("name"))
	if err != nil {
		return "", err
	}
	return "Elicitation finished: " + describeElicitation(res), nil
}

// LoggingTool logs at info level three times. On 2026 requests the
// runtime sends the messages only when the request's _meta carries a
// logLevel.
//
//mcp:tool name=test_logging_tool readonly
func LoggingTool(ctx context.Context, s *runtime.Session) (string, error) {
	for _, msg := range []string{"Logging tool started", "Logging tool working", "Logging tool done"} {
		if err := s.Log(runtime.LevelInfo, "test_logging_tool", msg); err != nil {
			return "", fmt.Errorf("send log notification: %w", err)
		}
	}
	return "Logging tool executed", nil
}

// TriggerToolChange announces a change of the tool list to the listen
// streams that asked for toolsListChanged. The fixture set itself stays
// the same, so repeated tools/list calls keep their order.
//
//mcp:tool name=test_trigger_tool_change idempotent
func TriggerToolChange(ctx context.Context, s *runtime.Session) (string, error) {
	s.Server().NotifyToolListChanged()
	return "notifications/tools/list_changed published", nil
}

// TriggerPromptChange is TriggerToolChange for the prompt list.
//
//mcp:tool name=test_trigger_prompt_change idempotent
func TriggerPromptChange(ctx context.Context, s *runtime.Session) (string, error) {
	s.Server().NotifyPromptListChanged()
	return "notifications/prompts/list_changed published", nil
}

// InputRequiredElicitation asks the user's name and greets them.
//
//mcp:tool name=test_input_required_result_elicitation
func InputRequiredElicitation(ctx context.Context, s *runtime.Session) (string, error) {
	res, err := s.Elicit(runtime.WithInputKey(ctx, "user_name"), "What is your name?", nameSchema("name"))
	if err != nil {
		return "", err
	}
	if res.Action != "accept" {
		return "No name given (" + res.Action + ").", nil
	}
	return fmt.Sprintf("Hello, %v!", res.Content["name"]), nil
}

// InputRequiredSampling asks the client's model a question.
//
//mcp:tool name=test_input_required_result_sampling
func InputRequiredSampling(ctx context.Context, s *runtime.Session) (string, error) {
	res, err := s.CreateMessage(runtime.WithInputKey(ctx, "capital_question"), askText("What is the capital of France?", 100))
	if err != nil {
		return "", err
	}
	return "The model said: " + samplingText(res.Content), nil
}

// InputRequiredListRoots lists the client's roots.
//
//mcp:tool name=test_input_required_result_list_roots
func InputRequiredListRoots(ctx context.Context, s *runtime.Session) (string, error) {
	roots, err := s.ListRoots(runtime.WithInputKey(ctx, "client_roots"))
	if err != nil {
		return "", err
	}
	return "Client roots: " + describeRoots(roots), nil
}

// InputRequiredRequestState asks for a confirmation; the runtime keeps
// the request's state in the sealed requestState between rounds.
//
//mcp:tool name=test_input_required_result_request_state
func InputRequiredRequestState(ctx context.Context, s *runtime.Session) (string, error) {
	res, err := s.Elicit(runtime.WithInputKey(ctx, "confirm"), "Please confirm", confirmSchema)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("state-ok: action=%s, ok=%v", res.Action, res.Content["ok"]), nil
}

// InputRequiredMultipleInputs asks for a name, a greeting from the model
// and the client's roots in one round: it makes all three calls before it
// looks at their errors, so a 2026 client gets the three requests at
// once.
//
//mcp:tool name=test_input_required_result_multiple_inputs
func InputRequiredMultipleInputs(ctx context.Context, s *runtime.Session) (string, error) {
	name, err1 := s.Elicit(runtime.WithInputKey(ctx, "user_name"), "What is your name?", nameSchema("name"))
	greeting, err2 := s.CreateMessage(runtime.WithInputKey(ctx, "greeting"), askText("Generate a greeting", 50))
	roots, err3 := s.ListRoots(runtime.WithInputKey(ctx, "client_roots"))
	if err := errors.Join(err1, err2, err3); err != nil {
		return "", err
	}
	return fmt.Sprintf("name=%v, greeting=%s, roots=%s", name.Content["name"], samplingText(greeting.Content), describeRoots(roots)), nil
}

// InputRequiredMultiRound asks two questions, one per round: the answer
// of the first travels in requestState while the second is asked.
//
//mcp:tool name=test_input_required_result_multi_round
func InputRequiredMultiRound(ctx context.Context, s *runtime.Session) (string, error) {
	name, err := s.Elicit(runtime.WithInputKey(ctx, "step1"), "Step 1: What is your name?", nameSchema("name"))
	if err != nil {
		return "", err
	}
	color, err := s.Elicit(runtime.WithInputKey(ctx, "step2"), "Step 2: What is your favorite color?", nameSchema("color"))
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%v likes %v.", name.Content["name"], color.Content["color"]), nil
}

// InputRequiredTamperedState asks for a confirmation; a retry whose
// requestState was altered is rejected by the runtime with a JSON-RPC
// error before this function runs again.
//
//mcp:tool name=test_input_required_result_tampered_state
func InputRequiredTamperedState(ctx context.Context, s *runtime.Session) (string, error) {
	res, err := s.Elicit(runtime.WithInputKey(ctx, "confirm"), "Please confirm", confirmSchema)
	if err != nil {
		return "", err
	}
	return "Confirmed: " + describeElicitation(res), nil
}

// InputRequiredCapabilities asks only for what the client declared in
// this request's capabilities.
//
//mcp:tool name=test_input_required_result_capabilities
func InputRequiredCapabilities(ctx context.Context, s *runtime.Session) (string, error) {
	var errs []error
	var got []string
	if hasClientCapability(s, "elicitation") {
		res, err := s.Elicit(runtime.WithInputKey(ctx, "user_name"), "What is your name?", nameSchema("name"))
		if err == nil {
			got = append(got, "elicitation: "+describeElicitation(res))
		}
		errs = append(errs, err)
	}
	if hasClientCapability(s, "sampling") {
		res, err := s.CreateMessage(runtime.WithInputKey(ctx, "greeting"), askText("Generate a greeting", 50))
		if err == nil {
			got = append(got, "sampling: "+samplingText(res.Content))
		}
		errs = append(errs, err)
	}
	if hasClientCapability(s, "roots") {
		roots, err := s.ListRoots(runtime.WithInputKey(ctx, "client_roots"))
		if err == nil {
			got = append(got, "roots: "+describeRoots(roots))
		}
		errs = append(errs, err)
	}
	if err := errors.Join(errs...); err != nil {
		return "", err
	}
	if len(got) == 0 {
		return "The client declared no elicitation, sampling or roots capability.", nil
	}
	return strings.Join(got, "; "), nil
}

// InputRequiredPrompt is a prompt that asks the user for context first
// (input_required works for prompts/get too).
//
//mcp:prompt name=test_input_required_result_prompt title="Prompt that needs user input"
func InputRequiredPrompt(ctx context.Context, s *runtime.Session) (string, error) {
	res, err := s.Elicit(runtime.WithInputKey(ctx, "user_context"), "What context should the prompt use?", nameSchema("context"))
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("Answer using this context: %v", res.Content["context"]), nil
}

// HeaderInput has an argument that 2026 clients mirror into the
// Mcp-Param-Region header, so a gateway can route on it without parsing
// the body.
type HeaderInput struct {
	// Region to run in, for example "us-west1".
	Region string `json:"region" mcp:"header=Region"`
	// Log level of the run; not mirrored.
	Level int `json:"level,omitempty"`
}

// XMCPHeader echoes its region argument, which the runtime has checked
// against the Mcp-Param-Region header.
//
//mcp:tool name=test_x_mcp_header readonly
func XMCPHeader(ctx context.Context, in HeaderInput) (string, error) {
	return fmt.Sprintf("region=%s level=%d", in.Region, in.Level), nil
}

// describeRoots renders roots for a tool result.
func describeRoots(roots []runtime.Root) string {
	if len(roots) == 0 {
		return "(none)"
	}
	parts := make([]string, len(roots))
	for i, r := range roots {
		parts[i] = r.URI
		if r.Name != "" {
			parts[i] += " (" + r.Name + ")"
		}
	}
	return strings.Join(parts, ", ")
}
