// Package errduplicate declares names twice.
package errduplicate

// Search searches.
//
//mcp:tool
func Search() (string, error) { return "", nil }

// Find is also called search.
//
//mcp:tool name=search
func Find() (string, error) { return "", nil }

// Summary is a prompt.
//
//mcp:prompt name=summary
func Summary() (string, error) { return "", nil }

// Summarize is also the prompt summary.
//
//mcp:prompt name=summary
func Summarize() (string, error) { return "", nil }
