package client

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
)

// Helpers for the typed clients mcpgen generates (and anyone who wants
// a resource or tool result as a Go value).

// DecodeWrapped decodes the structured content {"result": v} of a tool
// whose Go result is not an object (numbers, booleans, slices) into out;
// without structured content, the text block holds the JSON of v.
func (r *ToolResult) DecodeWrapped(out any) error {
	if len(r.StructuredContent) > 0 && string(r.StructuredContent) != "null" {
		var w struct {
			Result json.RawMessage `json:"result"`
		}
		if err := json.Unmarshal(r.StructuredContent, &w); err != nil {
			return fmt.Errorf("mcp client: decoding the tool's structured content: %w", err)
		}
		return json.Unmarshal(w.Result, out)
	}
	return json.Unmarshal([]byte(r.Text()), out)
}

// ReadText reads the resource at uri and returns its text contents
// (joined when there are several).
func (c *Client) ReadText(ctx context.Context, uri string, opts ...CallOption) (string, error) {
	cs, err := c.ReadResource(ctx, uri, opts...)
	if err != nil {
		return "", err
	}
	var parts []string
	for _, rc := range cs {
		parts = append(parts, rc.Text)
	}
	return strings.Join(parts, ""), nil
}

// ReadBlob reads the resource at uri and returns its binary contents
// (the first blob, decoded), or its text when it has no blob.
func (c *Client) ReadBlob(ctx context.Context, uri string, opts ...CallOption) ([]byte, error) {
	cs, err := c.ReadResource(ctx, uri, opts...)
	if err != nil {
		return nil, err
	}
	for _, rc := range cs {
		if rc.Blob != "" {
			b, err := base64.StdEncoding.DecodeString(rc.Blob)
			if err != nil {
				return nil, fmt.Errorf("mcp client: resource %s: blob is not base64: %w", uri, err)
			}
			return b, nil
		}
	}
	if len(cs) > 0 {
		return []byte(cs[0].Text), nil
	}
	return nil, nil
}

// ReadJSON reads the resource at uri and decodes its text contents, JSON,
// into out.
func (c *Client) ReadJSON(ctx context.Context, uri string, out any, opts ...CallOption) error {
	text, err := c.ReadText(ctx, uri, opts...)
	if err != nil {
		return err
	}
	if err := json.Unmarshal([]byte(text), out); err != nil {
		return fmt.Errorf("mcp client: resource %s: %w", uri, err)
	}
	return nil
}

// ExpandURI expands an RFC 6570 level-1 URI template ({name} expressions,
// as mcpgen resource templates use): each variable's value is
// percent-encoded except for unreserved characters. A variable missing
// from vars expands to nothing.
func ExpandURI(template string, vars map[string]string) string {
	var b strings.Builder
	for {
		i := strings.IndexByte(template, '{')
		if i < 0 {
			b.WriteString(template)
			return b.String()
		}
		j := strings.IndexByte(template[i:], '}')
		if j < 0 {
			b.WriteString(template)
			return b.String()
		}
		b.WriteString(template[:i])
		for _, c := range []byte(vars[template[i+1:i+j]]) {
			if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~' {
				b.WriteByte(c)
			} else {
				fmt.Fprintf(&b, "%%%02X", c)
			}
		}
		template = template[i+j+1:]
	}
}
