// Package errunknownkey has bad directive arguments.
//
//mcp:server name=keys colour=blue
package errunknownkey

// A has an unknown key.
//
//mcp:tool nmae=a
func A() (string, error) { return "", nil }

// B has a bad flag value.
//
//mcp:tool readonly=maybe
func B() (string, error) { return "", nil }

// C has a key without its value.
//
//mcp:tool title
func C() (string, error) { return "", nil }

// D repeats a key.
//
//mcp:tool name=d name=dd
func D() (string, error) { return "", nil }

// E has an unterminated quote.
//
//mcp:tool title="open
func E() (string, error) { return "", nil }

// F has a bad mime type.
//
//mcp:resource uri=file:///f mime=text
func F() (string, error) { return "", nil }

// G has a key from another directive.
//
//mcp:prompt uri=x
func G() (string, error) { return "", nil }

// H has a misspelt task mode.
//
//mcp:tool task=requird
func H() (string, error) { return "", nil }

// I has a misspelt task key.
//
//mcp:tool tsak=optional
func I() (string, error) { return "", nil }

// JIn has misspelt mcp tag keys.
type JIn struct {
	Title string `json:"title" mcp:"minlength=3"`
	Days  int    `json:"days" mcp:"maxium=7"`
	Other string `json:"other" mcp:"colour=red"`
}

// J takes JIn.
//
//mcp:tool
func J(in JIn) (string, error) { return "", nil }
