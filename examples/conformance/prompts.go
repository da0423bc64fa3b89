package conformance

import (
	"context"
	"sort"
	"strings"

	"github.com/mcpgen/mcpgen/runtime"
)

// SimplePrompt is a prompt without arguments: one user text message.
//
//mcp:prompt name=test_simple_prompt title="Simple prompt"
func SimplePrompt(ctx context.Context) (string, error) {
	return "This is a simple prompt for testing.", nil
}

// PromptArgs are the arguments of test_prompt_with_arguments.
type PromptArgs struct {
	// First test argument.
	Arg1 string `json:"arg1"`
	// Second test argument.
	Arg2 string `json:"arg2"`
}

// PromptWithArguments is a prompt whose text quotes both of its arguments.
//
//mcp:prompt name=test_prompt_with_arguments title="Prompt with arguments"
func PromptWithArguments(ctx context.Context, args PromptArgs) (string, error) {
	return "Prompt with arguments: arg1='" + args.Arg1 + "', arg2='" + args.Arg2 + "'", nil
}

// arg1Values are the completion candidates for arg1.
var arg1Values = []string{"paris", "park", "party", "test", "testing", "testValue1"}

// CompleteArg1 completes arg1 of test_prompt_with_arguments: the
// candidates that start with the partial value, case-insensitively.
//
//mcp:complete prompt=test_prompt_with_arguments arg=arg1
func CompleteArg1(ctx context.Context, value string) ([]string, error) {
	prefix := strings.ToLower(value)
	out := []string{}
	for _, v := range arg1Values {
		if strings.HasPrefix(strings.ToLower(v), prefix) {
			out = append(out, v)
		}
	}
	sort.Strings(out)
	return out, nil
}

// EmbeddedResourceArgs are the arguments of
// test_prompt_with_embedded_resource.
type EmbeddedResourceArgs struct {
	// URI of the resource to embed.
	ResourceURI string `json:"resourceUri"`
}

// PromptWithEmbeddedResource is a prompt that embeds a text resource under
// the given URI, followed by an instruction.
//
//mcp:prompt name=test_prompt_with_embedded_resource title="Prompt with embedded resource"
func PromptWithEmbeddedResource(ctx context.Context, args EmbeddedResourceArgs) (*runtime.PromptResult, error) {
	return &runtime.PromptResult{Messages: []runtime.PromptMessage{
		{Role: "user", Content: runtime.Embed(&runtime.TextResourceContents{
			URI:      args.ResourceURI,
			MIMEType: "text/plain",
			Text:     "Embedded resource content for testing.",
		})},
		{Role: "user", Content: runtime.Text("Please process the embedded resource above.")},
	}}, nil
}

// PromptWithImage is a prompt made of an image and an instruction.
//
//mcp:prompt name=test_prompt_with_image title="Prompt with image"
func PromptWithImage(ctx context.Context) (*runtime.PromptResult, error) {
	return &runtime.PromptResult{Messages: []runtime.PromptMessage{
		{Role: "user", Content: runtime.Image(redPixelPNG, "image/png")},
		{Role: "user", Content: runtime.Text("Please analyze the image above.")},
	}}, nil
}
