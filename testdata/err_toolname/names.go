// Package errtoolname has tool names the spec does not allow.
package errtoolname

// Spaces has a space in its name.
//
//mcp:tool name="get weather"
func Spaces() (string, error) { return "", nil }

// Slash has a slash.
//
//mcp:tool name=a/b
func Slash() (string, error) { return "", nil }

// Empty has an empty name.
//
//mcp:tool name=""
func Empty() (string, error) { return "", nil }

// TooLong has a name over 128 characters.
//
//mcp:tool name=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
func TooLong() (string, error) { return "", nil }

// Long has a name over 64 characters: allowed, with a warning.
//
//mcp:tool name=bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb
func Long() (string, error) { return "", nil }

//mcp:tool name=no.description-ok_1
func NoDescription() (string, error) { return "", nil }
