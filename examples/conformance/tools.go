package conformance

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/mcpgen/mcpgen/runtime"
)

// SimpleText returns a single fixed text block.
//
//mcp:tool name=test_simple_text readonly
func SimpleText(ctx context.Context) (string, error) {
	// The suite calls this tool with no "arguments" member at all, which
	// the runtime must treat as an empty object.
	return "This is a simple text response for testing.", nil
}

// ImageContent returns a 1x1 red PNG as an image content block.
//
//mcp:tool name=test_image_content readonly
func ImageContent(ctx context.Context) (runtime.Content, error) {
	return runtime.Image(redPixelPNG, "image/png"), nil
}

// AudioContent returns a short silent WAV file as an audio content block.
//
//mcp:tool name=test_audio_content readonly
func AudioContent(ctx context.Context) (runtime.Content, error) {
	return runtime.Audio(silenceWAV, "audio/wav"), nil
}

// EmbeddedResource returns a text resource embedded in the tool result.
//
//mcp:tool name=test_embedded_resource readonly
func EmbeddedResource(ctx context.Context) (runtime.Content, error) {
	return runtime.Embed(&runtime.TextResourceContents{
		URI:      "test://embedded-resource",
		MIMEType: "text/plain",
		Text:     "This is an embedded resource content.",
	}), nil
}

// MultipleContentTypes returns a text block, an image and an embedded JSON
// resource in one result.
//
//mcp:tool name=test_multiple_content_types readonly
func MultipleContentTypes(ctx context.Context) ([]runtime.Content, error) {
	return []runtime.Content{
		runtime.Text("Multiple content types test:"),
		runtime.Image(redPixelPNG, "image/png"),
		runtime.Embed(&runtime.TextResourceContents{
			URI:      "test://mixed-content-resource",
			MIMEType: "application/json",
			Text:     `{"test":"data","value":123}`,
		}),
	}, nil
}

// ToolWithLogging sends three info-level log notifications, 50 ms apart,
// while it runs.
//
//mcp:tool name=test_tool_with_logging readonly
func ToolWithLogging(ctx context.Context, s *runtime.Session) (string, error) {
	steps := []string{"Tool execution started", "Tool processing data", "Tool execution completed"}
	for i, msg := range steps {
		if i > 0 {
			if err := sleep(ctx, 50*time.Millisecond); err != nil {
				return "", err
			}
		}
		if err := s.Log(runtime.LevelInfo, "test_tool_with_logging", msg); err != nil {
			return "", fmt.Errorf("send log notification: %w", err)
		}
	}
	return "Tool with logging executed successfully", nil
}

// ErrorHandling always fails, so the client sees a tool result with
// isError set rather than a protocol error.
//
//mcp:tool name=test_error_handling readonly
func ErrorHandling(ctx context.Context) (string, error) {
	return "", errors.New("This tool intentionally returns an error for testing")
}

// ToolWithProgress reports progress 0, 50 and 100 out of 100, 50 ms apart,
// when the caller asked for progress.
//
//mcp:tool name=test_tool_with_progress readonly
func ToolWithProgress(ctx context.Context, s *runtime.Session) (string, error) {
	for i, p := range []float64{0, 50, 100} {
		if i > 0 {
			if err := sleep(ctx, 50*time.Millisecond); err != nil {
				return "", err
			}
		}
		if err := s.Progress(p, 100, fmt.Sprintf("Completed step %d of 3", i+1)); err != nil {
			return "", fmt.Errorf("send progress notification: %w", err)
		}
	}
	return "Tool with progress executed successfully", nil
}

// SamplingInput is the argument of test_sampling.
type SamplingInput struct {
	// The prompt to send to the client's language model.
	Prompt string `json:"prompt"`
}

// Sampling asks the client's language model to answer the prompt
// (sampling/createMessage) and returns the answer.
//
//mcp:tool name=test_sampling
func Sampling(ctx context.Context, s *runtime.Session, in SamplingInput) (string, error) {
	if !hasClientCapability(s, "sampling") {
		return "", errors.New("the client does not support sampling (no sampling capability)")
	}
	content, err := json.Marshal(runtime.Text(in.Prompt))
	if err != nil {
		return "", err
	}
	res, err := s.CreateMessage(ctx, &runtime.CreateMessageParams{
		Messages:  []runtime.SamplingMessage{{Role: "user", Content: content}},
		MaxTokens: 100,
	})
	if err != nil {
		return "", fmt.Errorf("sampling request failed: %w", err)
	}
	return "LLM response: " + samplingText(res.Content), nil
}

// ElicitationInput is the argument of test_elicitation.
type ElicitationInput struct {
	// The message to show the user.
	Message string `json:"message"`
}

// Elicitation asks the user, through the client, for a username and an
// email address (elicitation/create) and returns what they answered.
//
//mcp:tool name=test_elicitation
func Elicitation(ctx context.Context, s *runtime.Session, in ElicitationInput) (string, error) {
	res, err := elicit(ctx, s, in.Message, userInfoSchema)
	if err != nil {
		return "", err
	}
	return "User response: " + describeElicitation(res), nil
}

// ElicitationDefaults asks the user for values of every primitive type,
// each with a default (SEP-1034).
//
//mcp:tool name=test_elicitation_sep1034_defaults
func ElicitationDefaults(ctx context.Context, s *runtime.Session) (string, error) {
	res, err := elicit(ctx, s, "Please review and update the form fields with defaults", defaultsSchema)
	if err != nil {
		return "", err
	}
	return "Elicitation completed: " + describeElicitation(res), nil
}

// ElicitationEnums asks the user to pick from the five enum shapes of
// SEP-1330: untitled and titled single-select, the legacy enumNames form,
// and untitled and titled multi-select.
//
//mcp:tool name=test_elicitation_sep1330_enums
func ElicitationEnums(ctx context.Context, s *runtime.Session) (string, error) {
	res, err := elicit(ctx, s, "Please select options from the enum fields", enumsSchema)
	if err != nil {
		return "", err
	}
	return "Elicitation completed: " + describeElicitation(res), nil
}

// Address is a postal address.
//
//mcp:schema json=`{"$anchor":"addressDef"}`
type Address struct {
	Street string `json:"street,omitempty"`
	City   string `json:"city,omitempty"`
}

// ContactMethod is how the caller prefers to be reached.
type ContactMethod string

// The contact methods: their typed constants make the schema's enum.
const (
	ContactPhone ContactMethod = "phone"
	ContactEmail ContactMethod = "email"
)

// SchemaInput is the argument object of json_schema_2020_12_tool, the
// shape the suite's SEP-1613 and SEP-2106 scenario describes: a name, a
// nested address, and contact details whose cross-field rules (a phone or
// an email; the phone when contactMethod is "phone", else the email) no Go
// type can say, so the //mcp:schema lines add them as JSON Schema keywords
// (Address's line gives its $defs entry an $anchor). The generated
// decoder does not enforce those keywords; JSONSchema202012 checks the
// same rules itself.
//
//mcp:schema json=`{"allOf":[{"anyOf":[{"required":["phone"]},{"required":["email"]}]}]}`
//mcp:schema json=`{"if":{"properties":{"contactMethod":{"const":"phone"}},"required":["contactMethod"]},"then":{"required":["phone"]},"else":{"required":["email"]}}`
type SchemaInput struct {
	Name          string        `json:"name,omitempty"`
	Address       *Address      `json:"address,omitempty" mcp:"ref=address"`
	ContactMethod ContactMethod `json:"contactMethod,omitempty"`
	Phone         string        `json:"phone,omitempty"`
	Email         string        `json:"email,omitempty"`
}

// JSONSchema202012 takes a name, a nested address and contact details and
// echoes them back. Give a phone or an email: the phone when contactMethod
// is "phone", otherwise the email.
//
//mcp:tool name=json_schema_2020_12_tool readonly
func JSONSchema202012(ctx context.Context, in SchemaInput) (string, error) {
	// The suite's SEP-1613 scenario wants "$defs" with an "address" member
	// that "address" references: the ref=address tag puts the struct there,
	// and a schema with $defs declares its dialect with "$schema".
	//
	// The allOf/anyOf and if/then/else of the //mcp:schema directive are
	// advertised, not checked by the generated decoder, so the rules are
	// enforced here; an error is a tool result with isError, which the
	// model can read and correct. An empty string counts as absent.
	switch {
	case in.Phone == "" && in.Email == "":
		return "", errors.New("give phone or email (anyOf)")
	case in.ContactMethod == ContactPhone && in.Phone == "":
		return "", errors.New(`contactMethod is "phone": give phone (if/then)`)
	case in.ContactMethod != ContactPhone && in.Email == "":
		return "", errors.New(`give email, or set contactMethod to "phone" (if/else)`)
	}
	contact := fmt.Sprintf("phone=%q, email=%q", in.Phone, in.Email)
	if in.Address == nil {
		return fmt.Sprintf("Received name=%q without an address, %s", in.Name, contact), nil
	}
	return fmt.Sprintf("Received name=%q, street=%q, city=%q, %s", in.Name, in.Address.Street, in.Address.City, contact), nil
}

// Reconnection closes the response stream of its own call, waits, and
// then returns its result, which the client receives by resuming the
// stream (SEP-1699 polling: GET with Last-Event-ID).
//
//mcp:tool name=test_reconnection readonly
func Reconnection(ctx context.Context, s *runtime.Session) (string, error) {
	if s.CloseStream() {
		// Give the client time to notice the closed stream and reconnect;
		// the result is delivered (or replayed) on the resumed stream.
		if err := sleep(ctx, 100*time.Millisecond); err != nil {
			return "", err
		}
	}
	return "Reconnection test completed successfully. If you received this, the client properly reconnected after stream closure.", nil
}

// AddInput are the operands of add_numbers.
type AddInput struct {
	// The first addend.
	A float64 `json:"a"`
	// The second addend.
	B float64 `json:"b"`
}

// AddOutput is the structured result of add_numbers.
type AddOutput struct {
	// The sum a + b.
	Sum float64 `json:"sum"`
}

// AddNumbers adds two numbers.
//
//mcp:tool name=add_numbers readonly idempotent
func AddNumbers(ctx context.Context, in AddInput) (AddOutput, error) {
	// Not part of the conformance suite: interop/ts uses it to check
	// structured input and output with the TypeScript SDK, which validates
	// structuredContent against the advertised outputSchema.
	return AddOutput{Sum: in.A + in.B}, nil
}

// sleep waits for d, or less if ctx ends first.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// hasClientCapability reports whether the client declared the named
// top-level capability in initialize. Checking first turns "the client
// cannot do this" into a clear tool error instead of a protocol failure.
func hasClientCapability(s *runtime.Session, name string) bool {
	var caps map[string]json.RawMessage
	if err := json.Unmarshal(s.ClientCapabilities(), &caps); err != nil {
		return false
	}
	_, ok := caps[name]
	return ok
}

// samplingText extracts the text of a sampling result, whose content is
// one block or (since 2025-11-25) possibly a list of blocks.
func samplingText(raw json.RawMessage) string {
	type block struct {
		Type string `json:"type"`
		Text string `json:"text"`
	}
	var one block
	if err := json.Unmarshal(raw, &one); err == nil && one.Type != "" {
		if one.Type == "text" {
			return one.Text
		}
		return "[" + one.Type + " content]"
	}
	var many []block
	if err := json.Unmarshal(raw, &many); err == nil {
		var out string
		for _, b := range many {
			if b.Type == "text" {
				out += b.Text
			}
		}
		return out
	}
	return string(raw)
}
