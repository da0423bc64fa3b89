package errduplicate

// Readme is a resource.
//
//mcp:resource uri=file:///README.md
func Readme() (string, error) { return "", nil }

// Readme2 has the same URI.
//
//mcp:resource uri=file:///README.md
func Readme2() (string, error) { return "", nil }

// SearchAgain is a third tool named search, in another file.
//
//mcp:tool name=search
func SearchAgain() (string, error) { return "", nil }
