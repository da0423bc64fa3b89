package jsonwire

import "testing"

func TestAppendString(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"", `""`},
		{"plain text", `"plain text"`},
		{`say "hi"`, `"say \"hi\""`},
		{`back\slash`, `"back\\slash"`},
		{"a/b", `"a/b"`},
		{"\b\f\n\r\t", `"\b\f\n\r\t"`},
		{"\x00\x01\x1f", `"\u0000\u0001\u001f"`},
		{"\x7f", "\"\x7f\""},
		{"<a href='x'>&</a>", `"\u003ca href='x'\u003e\u0026\u003c/a\u003e"`},
		{"line\u2028sep\u2029", `"line\u2028sep\u2029"`},
		{"é中😀", `"é中😀"`},
		{"a\xffb", `"a\ufffdb"`},
		{"\xe4\xb8", `"\ufffd\ufffd"`},
		{"\xed\xa0\x80", `"\ufffd\ufffd\ufffd"`}, // an encoded surrogate is invalid UTF-8
		{"\uFFFD", "\"\uFFFD\""},
	}
	for _, tt := range tests {
		if got := string(AppendString([]byte("x="), tt.in)); got != "x="+tt.want {
			t.Errorf("AppendString(%q) = %s, want x=%s", tt.in, got, tt.want)
		}
	}
}
