// Package corpus is the differential test's corpus: tools whose argument
// and result types cover every kind of Go type mcpgen supports, including
// the shapes that once made the schema, the decoder and the encoder
// disagree (a nil pointer result, a zero enum, null in a []*Node, a type
// error on a constrained field, formats). Each in_* tool accepts its
// arguments and answers "ok"; each out_* tool returns a random value of
// its result type from Source, so the test can check every encoded
// result against the advertised output schema.
//
//mcp:server name=schemadiff-corpus version=1.0.0
package corpus

//go:generate go run github.com/mcpgen/mcpgen/cmd/mcpgen -out ./mcpserver .

import (
	"context"
	"encoding/json"
	"errors"
	"net/netip"
	"net/url"
	"strings"
	"time"
)

// Status is the state of a task.
type Status string

const (
	StatusOpen   Status = "open"
	StatusClosed Status = "closed"
	StatusWontDo Status = "wont_do"
)

// Level is an integer enum.
type Level int

const (
	Low  Level = 1
	High Level = 2
)

// User is someone who works on tasks.
type User struct {
	Name  string `json:"name" mcp:"minLength=1"`
	Email string `json:"email,omitempty" mcp:"format=email"`
}

// Node is a recursive tree.
type Node struct {
	Name     string  `json:"name"`
	Children []*Node `json:"children,omitempty"`
}

// Task is the type of the reproductions: an enum, a constrained
// title, pointers and slices of pointers.
type Task struct {
	Title    string  `json:"title" mcp:"minLength=3,maxLength=40"`
	Status   Status  `json:"status"`
	Priority Level   `json:"priority,omitempty"`
	Reviewer *User   `json:"reviewer,omitempty"`
	Watchers []*User `json:"watchers,omitempty"`
	Tree     *Node   `json:"tree,omitempty"`
	Labels   []string
	Due      *time.Time `json:"due,omitempty"`
}

// Scalars has one member of every scalar kind.
type Scalars struct {
	B   bool    `json:"b"`
	S   string  `json:"s"`
	I   int     `json:"i"`
	I8  int8    `json:"i8"`
	I16 int16   `json:"i16"`
	I32 int32   `json:"i32"`
	I64 int64   `json:"i64,omitempty"`
	U   uint    `json:"u,omitempty"`
	U8  uint8   `json:"u8,omitempty"`
	U16 uint16  `json:"u16,omitempty"`
	U32 uint32  `json:"u32,omitempty"`
	U64 uint64  `json:"u64,omitempty"`
	F32 float32 `json:"f32,omitempty"`
	F64 float64 `json:"f64,omitempty"`
}

// Formats has a member of every enforced format and an advisory one.
type Formats struct {
	Email    string `json:"email,omitempty" mcp:"format=email"`
	URI      string `json:"uri,omitempty" mcp:"format=uri"`
	UUID     string `json:"uuid,omitempty" mcp:"format=uuid"`
	Date     string `json:"date,omitempty" mcp:"format=date"`
	DateTime string `json:"dateTime,omitempty" mcp:"format=date-time"`
	Time     string `json:"time,omitempty" mcp:"format=time"`
	Duration string `json:"duration,omitempty" mcp:"format=duration"`
	IPv4     string `json:"ipv4,omitempty" mcp:"format=ipv4"`
	IPv6     string `json:"ipv6,omitempty" mcp:"format=ipv6"`
	Hostname string `json:"hostname,omitempty" mcp:"format=hostname"`
	URIRef   string `json:"uriRef,omitempty" mcp:"format=uri-reference"` // advisory
}

// Constrained has every mcp tag constraint.
type Constrained struct {
	Days   int           `json:"days,omitempty" mcp:"min=1,max=7,default=3"`
	Ratio  *float64      `json:"ratio,omitempty" mcp:"min=0,max=1,default=0.5"`
	Name   string        `json:"name" mcp:"minLength=2,maxLength=5,pattern=^[a-z]+$"`
	Color  string        `json:"color,omitempty" mcp:"enum=red|green"`
	Size   float64       `json:"size,omitempty" mcp:"min=0.5,max=10.25"`
	Level  Level         `json:"level,omitempty"`
	Opt    *Level        `json:"opt,omitempty"`
	Every  time.Duration `json:"every,omitempty" mcp:"format=duration"`
	Nanos  time.Duration `json:"nanos,omitempty" mcp:"format=nanoseconds"`
	Repeat string        `json:"repeat,omitempty" mcp:"pattern='^a{1,3}$'"`
}

// Containers has slices, arrays, maps, bytes and dynamic values.
type Containers struct {
	List   []string          `json:"list"`
	Grid   [][]int           `json:"grid,omitempty"`
	Pair   [2]int            `json:"pair"`
	Labels map[string]string `json:"labels,omitempty"`
	ByUnit map[Status]int    `json:"byUnit,omitempty"`
	Levels []Level           `json:"levels,omitempty"`
	Data   []byte            `json:"data,omitempty"`
	Raw    json.RawMessage   `json:"raw,omitempty"`
	Any    any               `json:"any,omitempty"`
	Meta   map[string]any    `json:"meta,omitempty"`
	Num    json.Number       `json:"num,omitempty"`
	At     time.Time         `json:"at"`
	Day    time.Time         `json:"day,omitempty" mcp:"format=date"`
	Addr   netip.Addr        `json:"addr,omitempty"`
	Upper  Upper             `json:"upper,omitempty" mcp:"type=string"`
	Point  struct {
		X int `json:"x"`
		Y int `json:"y"`
	} `json:"point"`
	Embedded
}

// Embedded is flattened into Containers.
type Embedded struct {
	Inner string `json:"inner,omitempty"`
}

// Upper reads itself from a JSON string, upper-cased.
type Upper string

// UnmarshalJSON implements json.Unmarshaler.
func (u *Upper) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	*u = Upper(strings.ToUpper(s))
	return nil
}

// MarshalJSON implements json.Marshaler.
func (u Upper) MarshalJSON() ([]byte, error) { return json.Marshal(string(u)) }

// Rank is an integer enum that travels by name; its schema is declared
// once, on the type.
//
//mcp:schema json=`{"enum":["low","high"]}`
type Rank int

const (
	RankLow  Rank = 1
	RankHigh Rank = 2
)

// MarshalText implements encoding.TextMarshaler.
func (r Rank) MarshalText() ([]byte, error) {
	switch r {
	case RankLow:
		return []byte("low"), nil
	case RankHigh:
		return []byte("high"), nil
	}
	return nil, errors.New("bad rank")
}

// UnmarshalText implements encoding.TextUnmarshaler.
func (r *Rank) UnmarshalText(b []byte) error {
	switch string(b) {
	case "low":
		*r = RankLow
	case "high":
		*r = RankHigh
	default:
		return errors.New("unknown rank")
	}
	return nil
}

// Order has self-marshalling types with declared schemas, pointer
// defaults and URLs.
type Order struct {
	Rank     Rank     `json:"rank"`
	Rush     Rank     `json:"rush,omitempty" mcp:"enum=high"`
	Note     *string  `json:"note,omitempty" mcp:"default=none,maxLength=10"`
	Quantity *int     `json:"quantity,omitempty" mcp:"default=1,min=1"`
	Callback *url.URL `json:"callback,omitempty"`
	Home     url.URL  `json:"home"`
}

// Page is a generic page.
type Page[T any] struct {
	Items []T     `json:"items"`
	Next  *string `json:"next,omitempty"`
}

// Base is embedded through a pointer.
type Base struct {
	Created time.Time `json:"created"`
}

// Extras has generics, $defs through ref=, a promoted pointer embedding,
// nested containers, omitzero and arrays.
type Extras struct {
	*Base
	Page   Page[User]         `json:"page"`
	Home   *User              `json:"home,omitempty" mcp:"ref=user"`
	Work   *User              `json:"work,omitempty" mcp:"ref=user"`
	Groups map[string][]Level `json:"groups,omitempty"`
	Count  int                `json:"count,omitzero"`
	Nums   [3]float64         `json:"nums,omitempty"`
	Deep   **int              `json:"deep,omitempty"`
}

// InExtras takes extras.
//
//mcp:tool name=in_extras
func InExtras(ctx context.Context, in Extras) (string, error) { return "ok", nil }

// OutExtras returns extras.
//
//mcp:tool name=out_extras
func OutExtras(ctx context.Context) (*Extras, error) { return random[*Extras](), nil }

// InOrder takes an order.
//
//mcp:tool name=in_order
func InOrder(ctx context.Context, in Order) (string, error) { return "ok", nil }

// InTask takes a task.
//
//mcp:tool name=in_task
func InTask(ctx context.Context, in Task) (string, error) {
	visit(in.Tree)
	for _, w := range in.Watchers {
		_ = w.Name // a nil element would panic here
	}
	return "ok", nil
}

func visit(n *Node) {
	if n == nil {
		return
	}
	for _, c := range n.Children {
		_ = c.Name // a nil element would panic here
		visit(c)
	}
}

// InScalars takes scalars.
//
//mcp:tool name=in_scalars
func InScalars(ctx context.Context, in Scalars) (string, error) { return "ok", nil }

// InFormats takes formatted strings.
//
//mcp:tool name=in_formats
func InFormats(ctx context.Context, in Formats) (string, error) { return "ok", nil }

// InConstrained takes constrained values.
//
//mcp:tool name=in_constrained
func InConstrained(ctx context.Context, in *Constrained) (string, error) { return "ok", nil }

// InContainers takes containers.
//
//mcp:tool name=in_containers
func InContainers(ctx context.Context, in Containers) (string, error) { return "ok", nil }

// InFlat takes plain parameters.
//
//mcp:tool name=in_flat
func InFlat(ctx context.Context, name string, count *int, tags []string, status Status, node *Node) (string, error) {
	return "ok", nil
}

// Source returns a random value for a result of type *T (set by the
// test; nil returns zero values).
var Source func(ptr any)

func random[T any]() T {
	var v T
	if Source != nil {
		Source(&v)
	}
	return v
}

// OutTask returns a task, or nil.
//
//mcp:tool name=out_task
func OutTask(ctx context.Context) (*Task, error) { return random[*Task](), nil }

// OutTaskValue returns a task.
//
//mcp:tool name=out_task_value
func OutTaskValue(ctx context.Context) (Task, error) { return random[Task](), nil }

// OutScalars returns scalars.
//
//mcp:tool name=out_scalars
func OutScalars(ctx context.Context) (Scalars, error) { return random[Scalars](), nil }

// OutFormats returns formatted strings (their formats are input checks).
//
//mcp:tool name=out_formats
func OutFormats(ctx context.Context) (Formats, error) { return random[Formats](), nil }

// OutConstrained returns constrained values (their constraints are input
// checks).
//
//mcp:tool name=out_constrained
func OutConstrained(ctx context.Context) (*Constrained, error) { return random[*Constrained](), nil }

// OutContainers returns containers.
//
//mcp:tool name=out_containers
func OutContainers(ctx context.Context) (Containers, error) { return random[Containers](), nil }

// OutUsers returns a slice (wrapped as {"result": ...}).
//
//mcp:tool name=out_users
func OutUsers(ctx context.Context) ([]*User, error) { return random[[]*User](), nil }

// OutLevels returns a map.
//
//mcp:tool name=out_levels
func OutLevels(ctx context.Context) (map[string]Level, error) { return random[map[string]Level](), nil }

// OutStatus returns an enum scalar (wrapped).
//
//mcp:tool name=out_status
func OutStatus(ctx context.Context) (Status, error) { return random[Status](), nil }

// OutCount returns a number (wrapped).
//
//mcp:tool name=out_count
func OutCount(ctx context.Context) (uint16, error) { return random[uint16](), nil }

// GetTask is the first two reproductions: id "missing" returns
// nil, nil; any other id a task whose status is the zero Status.
//
//mcp:tool name=get_task
func GetTask(ctx context.Context, id string) (*Task, error) {
	if id == "missing" {
		return nil, nil
	}
	return &Task{Title: "Task " + id}, nil
}
