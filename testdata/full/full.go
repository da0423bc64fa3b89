// Package full exercises every kind of entry mcpgen generates: tools of
// each result shape, injected parameters, fixed and templated resources,
// prompts in both forms and completions.
//
//mcp:server name=full-demo version=2.1.0 title="Full demo" instructions=`Use "search" first.`
package full

import (
	"context"
	"net/http"

	"github.com/mcpgen/mcpgen/runtime"
)

// Query is a search request.
type Query struct {
	// Words to look for.
	Q     string `json:"q"`
	Limit int    `json:"limit,omitempty"` // at most this many hits
}

// Hit is one search result.
type Hit struct {
	Title string  `json:"title"`
	Score float64 `json:"score"`
}

// Hits is a page of results.
type Hits struct {
	Items []Hit `json:"items"`
	Total int   `json:"total"`
}

// Search finds documents.
//
// It returns the best hits first.
//
//mcp:tool readonly openworld scopes="docs:read"
func Search(ctx context.Context, q *Query) (*Hits, error) {
	return &Hits{Items: []Hit{{Title: q.Q, Score: 1}}, Total: 1}, nil
}

// Tags lists the tags of a document.
//
//mcp:tool
func Tags(ctx context.Context, id string) ([]string, error) { return []string{"a", id}, nil }

// Counts returns per-tag counts; it may run as a task.
//
//mcp:tool task=optional
func Counts(ctx context.Context) (map[string]int, error) { return map[string]int{"a": 1}, nil }

// Ready reports whether the index is ready.
//
//mcp:tool idempotent
func Ready() (bool, error) { return true, nil }

// Whoami echoes a request header; it shows the injected parameters.
//
//mcp:tool name=whoami
func Whoami(ctx context.Context, h http.Header, r *http.Request, s *runtime.Session, prefix string) (string, error) {
	return prefix + h.Get("X-User"), nil
}

// Logo returns an image.
//
//mcp:tool
func Logo(ctx context.Context) (runtime.Content, error) {
	return runtime.Image([]byte{0x89, 'P', 'N', 'G'}, "image/png"), nil
}

// Parts returns several content blocks.
//
//mcp:tool
func Parts(ctx context.Context) ([]runtime.Content, error) {
	return []runtime.Content{runtime.Text("a"), runtime.Text("b")}, nil
}

// Raw builds its own result.
//
//mcp:tool
func Raw(ctx context.Context, n int) (*runtime.ToolResult, error) {
	return runtime.TextResult("raw"), nil
}

// Reindex rebuilds the index.
//
//mcp:tool destructive idempotent=false
func Reindex(ctx context.Context) error { return nil }

// Readme is the project's README.
//
//mcp:resource uri=file:///README.md mime=text/markdown
func Readme(ctx context.Context) (string, error) { return "# Full", nil }

// Icon is a binary resource.
//
//mcp:resource uri=file:///icon.png name=icon mime=image/png
func Icon() ([]byte, error) { return []byte{1, 2, 3}, nil }

// Profile is a user's profile.
//
//mcp:resource uri=users://{id}/profile title="User profile"
func Profile(ctx context.Context, id string) (Hit, error) { return Hit{Title: id}, nil }

// Doc returns raw resource contents.
//
//mcp:resource uri=docs://{space}/{name}
func Doc(ctx context.Context, name, space string) ([]runtime.ResourceContents, error) {
	return runtime.TextResource("docs://"+space+"/"+name, "", "doc"), nil
}

// ReviewArgs are the arguments of the review prompt.
type ReviewArgs struct {
	// Code to review.
	Code string `json:"code"`
	// Focus of the review, such as "security".
	Focus *string `json:"focus"`
	Style string  `json:"style,omitempty"` // tone of the review
}

// Review asks for a code review.
//
//mcp:prompt title="Code review"
func Review(ctx context.Context, in ReviewArgs) (string, error) { return "Review " + in.Code, nil }

// Translate asks for a translation.
//
//mcp:prompt name=translate
func Translate(text string, lang *string) ([]runtime.PromptMessage, error) {
	return []runtime.PromptMessage{{Role: "user", Content: runtime.Text(text)}}, nil
}

// Plan builds its own prompt result.
//
//mcp:prompt
func Plan(ctx context.Context) (*runtime.PromptResult, error) { return runtime.UserPrompt("plan"), nil }

// Langs completes the lang argument of translate.
//
//mcp:complete prompt=translate arg=lang
func Langs(ctx context.Context, value string) ([]string, error) { return []string{"en", "fr"}, nil }

// UserIDs completes the id variable of the profile template.
//
//mcp:complete resource=users://{id}/profile arg=id
func UserIDs(ctx context.Context, value string) ([]string, error) { return []string{"1"}, nil }
