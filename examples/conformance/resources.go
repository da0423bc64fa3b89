package conformance

import "context"

// StaticText is a fixed plain-text resource.
//
//mcp:resource uri=test://static-text name=static-text title="Static text" mime=text/plain
func StaticText(ctx context.Context) (string, error) {
	return "This is the content of the static text resource.", nil
}

// StaticBinary is a fixed binary resource: a 1x1 red PNG.
//
//mcp:resource uri=test://static-binary name=static-binary title="Static binary" mime=image/png
func StaticBinary(ctx context.Context) ([]byte, error) {
	return redPixelPNG, nil
}

// TemplateRecord is the JSON body of test://template/{id}/data.
type TemplateRecord struct {
	ID           string `json:"id"`
	TemplateTest bool   `json:"templateTest"`
	Data         string `json:"data"`
}

// TemplateData is a family of JSON resources, one per id; the body echoes
// the id so a client can see the template variable was bound.
//
//mcp:resource uri=test://template/{id}/data name=template-data title="Templated data" mime=application/json
func TemplateData(ctx context.Context, id string) (TemplateRecord, error) {
	return TemplateRecord{ID: id, TemplateTest: true, Data: "Data for ID: " + id}, nil
}

// WatchedResource is a resource clients may subscribe to for updates.
//
//mcp:resource uri=test://watched-resource name=watched-resource title="Watched resource" mime=text/plain
func WatchedResource(ctx context.Context) (string, error) {
	return "Watched resource content", nil
}
