package jsonwire

import (
	"strings"
	"testing"
)

func TestNoArguments(t *testing.T) {
	for _, ok := range []string{"", "null", "{}", " { } "} {
		if err := NoArguments([]byte(ok)); err != nil {
			t.Errorf("NoArguments(%q) = %v", ok, err)
		}
	}
	for in, want := range map[string]string{
		`{"a":1}`:        "a: unknown field",
		`{"a":1,"b":[]}`: "a: unknown field; b: unknown field",
		`[]`:             "expected object, got array",
		`{`:              "unexpected end of input",
	} {
		err := NoArguments([]byte(in))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("NoArguments(%s) = %v, want %s", in, err, want)
		}
	}
}
