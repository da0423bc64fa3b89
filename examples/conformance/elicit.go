package conformance

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/mcpgen/mcpgen/runtime"
)

// The requested schemas are plain maps: elicitation schemas are a
// restricted, flat JSON Schema that the client renders as a form, and the
// suite inspects them key by key.
var (
	// userInfoSchema is what test_elicitation asks for.
	userInfoSchema = map[string]any{
		"type": "object",
		"properties": map[string]any{
			"username": map[string]any{"type": "string", "description": "User's response"},
			"email":    map[string]any{"type": "string", "description": "User's email address"},
		},
		"required": []string{"username", "email"},
	}

	// defaultsSchema has a default for every primitive type (SEP-1034).
	defaultsSchema = map[string]any{
		"type": "object",
		"properties": map[string]any{
			"name":  map[string]any{"type": "string", "description": "User name", "default": "John Doe"},
			"age":   map[string]any{"type": "integer", "description": "User age", "default": 30},
			"score": map[string]any{"type": "number", "description": "User score", "default": 95.5},
			"status": map[string]any{
				"type":        "string",
				"description": "User status",
				"enum":        []string{"active", "inactive", "pending"},
				"default":     "active",
			},
			"verified": map[string]any{"type": "boolean", "description": "Verification status", "default": true},
		},
	}

	// enumsSchema has the five enum shapes of SEP-1330.
	enumsSchema = map[string]any{
		"type": "object",
		"properties": map[string]any{
			"untitledSingle": map[string]any{
				"type":        "string",
				"description": "Select one option",
				"enum":        []string{"option1", "option2", "option3"},
			},
			"titledSingle": map[string]any{
				"type":        "string",
				"description": "Select one option with titles",
				"oneOf": []map[string]string{
					{"const": "value1", "title": "First Option"},
					{"const": "value2", "title": "Second Option"},
					{"const": "value3", "title": "Third Option"},
				},
			},
			"legacyEnum": map[string]any{
				"type":        "string",
				"description": "Select one option (legacy)",
				"enum":        []string{"opt1", "opt2", "opt3"},
				"enumNames":   []string{"Option One", "Option Two", "Option Three"},
			},
			"untitledMulti": map[string]any{
				"type":        "array",
				"description": "Select multiple options",
				"items": map[string]any{
					"type": "string",
					"enum": []string{"option1", "option2", "option3"},
				},
			},
			"titledMulti": map[string]any{
				"type":        "array",
				"description": "Select multiple options with titles",
				"items": map[string]any{
					"anyOf": []map[string]string{
						{"const": "value1", "title": "First Choice"},
						{"const": "value2", "title": "Second Choice"},
						{"const": "value3", "title": "Third Choice"},
					},
				},
			},
		},
	}
)

// elicit sends elicitation/create after checking that the client can
// answer it.
func elicit(ctx context.Context, s *runtime.Session, message string, schema map[string]any) (*runtime.ElicitResult, error) {
	if !hasClientCapability(s, "elicitation") {
		return nil, errors.New("the client does not support elicitation (no elicitation capability)")
	}
	res, err := s.Elicit(ctx, message, schema)
	if err != nil {
		return nil, fmt.Errorf("elicitation request failed: %w", err)
	}
	return res, nil
}

// describeElicitation renders the client's answer for the tool result.
func describeElicitation(res *runtime.ElicitResult) string {
	content := []byte("{}")
	if res.Content != nil {
		if b, err := json.Marshal(res.Content); err == nil {
			content = b
		}
	}
	return fmt.Sprintf("action=%s, content=%s", res.Action, content)
}
