package gen

import (
	"reflect"
	"slices"
	"testing"

	"github.com/mcpgen/mcpgen/runtime/client"
)

// TestClientMethodsReserved: clientMethods lists exactly the embedded
// field and the methods of *client.Client, so no generated method
// shadows one of them.
func TestClientMethodsReserved(t *testing.T) {
	want := []string{"Client"}
	typ := reflect.TypeFor[*client.Client]()
	for i := range typ.NumMethod() {
		want = append(want, typ.Method(i).Name)
	}
	got := slices.Clone(clientMethods)
	slices.Sort(want)
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("clientMethods = %v\nwant %v", got, want)
	}
}

// TestClientNames: a declaration whose method name is taken gets its
// kind appended, then a number.
func TestClientNames(t *testing.T) {
	g := &generator{
		tools:     []*tool{{Ident: "Close"}, {Ident: "ReadDoc"}, {Ident: "Echo"}, {Ident: "PromptX"}},
		resources: []*resource{{Ident: "Doc"}, {Ident: "Text"}},
		prompts:   []*prompt{{Ident: "X"}},
	}
	n := g.clientNames()
	got := []string{
		n.names[g.tools[0]], n.names[g.tools[1]], n.names[g.tools[2]], n.names[g.tools[3]],
		n.names[g.resources[0]], n.names[g.resources[1]], n.names[g.prompts[0]],
	}
	want := []string{"CloseTool", "ReadDoc", "Echo", "PromptX", "ReadDocResource", "ReadTextResource", "PromptXPrompt"}
	if !slices.Equal(got, want) {
		t.Errorf("names = %v, want %v", got, want)
	}
}
