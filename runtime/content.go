package runtime

import (
	"encoding/base64"
	"encoding/json"
)

// Content is one block of tool-result or prompt-message content: text,
// an image, audio, an embedded resource or a resource link. The concrete
// types are *TextContent, *ImageContent, *AudioContent, *EmbeddedResource
// and *ResourceLink; each marshals itself with its "type" discriminator.
type Content interface {
	json.Marshaler
	// ContentType returns the wire discriminator ("text", "image", ...).
	ContentType() string
}

// Annotations are the optional audience/priority hints a content block or
// resource may carry.
type Annotations struct {
	Audience     []string `json:"audience,omitempty"`
	Priority     *float64 `json:"priority,omitempty"`
	LastModified string   `json:"lastModified,omitempty"`
}

// TextContent is a text block.
type TextContent struct {
	Text        string
	Annotations *Annotations
	Meta        map[string]any
}

// ImageContent is a base64-encoded image; Data holds the raw bytes.
type ImageContent struct {
	Data        []byte
	MIMEType    string
	Annotations *Annotations
	Meta        map[string]any
}

// AudioContent is base64-encoded audio; Data holds the raw bytes.
type AudioContent struct {
	Data        []byte
	MIMEType    string
	Annotations *Annotations
	Meta        map[string]any
}

// EmbeddedResource carries the contents of a resource inline.
type EmbeddedResource struct {
	Resource    ResourceContents
	Annotations *Annotations
	Meta        map[string]any
}

// ResourceLink points at a resource the client may read later.
type ResourceLink struct {
	URI         string
	Name        string
	Title       string
	Description string
	MIMEType    string
	Size        *int64
	Annotations *Annotations
	Meta        map[string]any
}

// Text returns a text content block.
func Text(s string) *TextContent { return &TextContent{Text: s} }

// Image returns an image content block.
func Image(data []byte, mimeType string) *ImageContent {
	return &ImageContent{Data: data, MIMEType: mimeType}
}

// Audio returns an audio content block.
func Audio(data []byte, mimeType string) *AudioContent {
	return &AudioContent{Data: data, MIMEType: mimeType}
}

// Embed returns an embedded-resource content block.
func Embed(rc ResourceContents) *EmbeddedResource { return &EmbeddedResource{Resource: rc} }

// ContentType returns the wire discriminator of TextContent.
func (*TextContent) ContentType() string { return "text" }

// ContentType returns the wire discriminator of ImageContent.
func (*ImageContent) ContentType() string { return "image" }

// ContentType returns the wire discriminator of AudioContent.
func (*AudioContent) ContentType() string { return "audio" }

// ContentType returns the wire discriminator of EmbeddedResource.
func (*EmbeddedResource) ContentType() string { return "resource" }

// ContentType returns the wire discriminator of ResourceLink.
func (*ResourceLink) ContentType() string { return "resource_link" }

// MarshalJSON encodes TextContent in its wire form.
func (c *TextContent) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Type        string         `json:"type"`
		Text        string         `json:"text"`
		Annotations *Annotations   `json:"annotations,omitempty"`
		Meta        map[string]any `json:"_meta,omitempty"`
	}{"text", c.Text, c.Annotations, c.Meta})
}

type mediaWire struct {
	Type        string         `json:"type"`
	Data        string         `json:"data"`
	MIMEType    string         `json:"mimeType"`
	Annotations *Annotations   `json:"annotations,omitempty"`
	Meta        map[string]any `json:"_meta,omitempty"`
}

// MarshalJSON encodes ImageContent in its wire form.
func (c *ImageContent) MarshalJSON() ([]byte, error) {
	return json.Marshal(mediaWire{"image", base64.StdEncoding.EncodeToString(c.Data), c.MIMEType, c.Annotations, c.Meta})
}

// MarshalJSON encodes AudioContent in its wire form.
func (c *AudioContent) MarshalJSON() ([]byte, error) {
	return json.Marshal(mediaWire{"audio", base64.StdEncoding.EncodeToString(c.Data), c.MIMEType, c.Annotations, c.Meta})
}

// MarshalJSON encodes EmbeddedResource in its wire form.
func (c *EmbeddedResource) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Type        string           `json:"type"`
		Resource    ResourceContents `json:"resource"`
		Annotations *Annotations     `json:"annotations,omitempty"`
		Meta        map[string]any   `json:"_meta,omitempty"`
	}{"resource", c.Resource, c.Annotations, c.Meta})
}

// MarshalJSON encodes ResourceLink in its wire form.
func (c *ResourceLink) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Type        string         `json:"type"`
		URI         string         `json:"uri"`
		Name        string         `json:"name"`
		Title       string         `json:"title,omitempty"`
		Description string         `json:"description,omitempty"`
		MIMEType    string         `json:"mimeType,omitempty"`
		Size        *int64         `json:"size,omitempty"`
		Annotations *Annotations   `json:"annotations,omitempty"`
		Meta        map[string]any `json:"_meta,omitempty"`
	}{"resource_link", c.URI, c.Name, c.Title, c.Description, c.MIMEType, c.Size, c.Annotations, c.Meta})
}

// ResourceContents is what resources/read returns for one URI: text
// (*TextResourceContents) or binary (*BlobResourceContents).
type ResourceContents interface {
	json.Marshaler
	ResourceURI() string
}

// TextResourceContents is a text resource body.
type TextResourceContents struct {
	URI      string
	MIMEType string
	Text     string
	Meta     map[string]any
}

// BlobResourceContents is a binary resource body; Blob holds the raw bytes.
type BlobResourceContents struct {
	URI      string
	MIMEType string
	Blob     []byte
	Meta     map[string]any
}

// ResourceURI returns the URI the TextResourceContents belong to.
func (r *TextResourceContents) ResourceURI() string { return r.URI }

// ResourceURI returns the URI the BlobResourceContents belong to.
func (r *BlobResourceContents) ResourceURI() string { return r.URI }

// MarshalJSON encodes TextResourceContents in its wire form.
func (r *TextResourceContents) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		URI      string         `json:"uri"`
		MIMEType string         `json:"mimeType,omitempty"`
		Text     string         `json:"text"`
		Meta     map[string]any `json:"_meta,omitempty"`
	}{r.URI, r.MIMEType, r.Text, r.Meta})
}

// MarshalJSON encodes BlobResourceContents in its wire form.
func (r *BlobResourceContents) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		URI      string         `json:"uri"`
		MIMEType string         `json:"mimeType,omitempty"`
		Blob     string         `json:"blob"`
		Meta     map[string]any `json:"_meta,omitempty"`
	}{r.URI, r.MIMEType, base64.StdEncoding.EncodeToString(r.Blob), r.Meta})
}

// TextResource returns text contents for uri; mimeType defaults to text/plain.
func TextResource(uri, mimeType, text string) []ResourceContents {
	if mimeType == "" {
		mimeType = "text/plain"
	}
	return []ResourceContents{&TextResourceContents{URI: uri, MIMEType: mimeType, Text: text}}
}

// BlobResource returns binary contents for uri; mimeType defaults to
// application/octet-stream.
func BlobResource(uri, mimeType string, data []byte) []ResourceContents {
	if mimeType == "" {
		mimeType = "application/octet-stream"
	}
	return []ResourceContents{&BlobResourceContents{URI: uri, MIMEType: mimeType, Blob: data}}
}

// JSONResource marshals v as the JSON text of uri; mimeType defaults to
// application/json.
func JSONResource(uri, mimeType string, v any) ([]ResourceContents, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	if mimeType == "" {
		mimeType = "application/json"
	}
	return []ResourceContents{&TextResourceContents{URI: uri, MIMEType: mimeType, Text: string(b)}}, nil
}

// PromptMessage is one message of a prompt.
type PromptMessage struct {
	Role    string  `json:"role"` // "user" or "assistant"
	Content Content `json:"content"`
}

// PromptResult is the result of prompts/get.
type PromptResult struct {
	Description string          `json:"description,omitempty"`
	Messages    []PromptMessage `json:"messages"`
	Meta        map[string]any  `json:"_meta,omitempty"`
}

// UserPrompt returns a prompt result of one user text message.
func UserPrompt(text string) *PromptResult {
	return &PromptResult{Messages: []PromptMessage{{Role: "user", Content: Text(text)}}}
}
