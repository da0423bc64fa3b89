// Package features covers the shapes a Go developer brings from
// encoding/json: resources returning slices and scalars, types that
// marshal themselves (with their schema declared once, on the type),
// enums marshalled by name, defaults on pointers and url.URL arguments.
//
//mcp:server name=features version=1.0.0
package features

import (
	"context"
	"encoding/json"
	"errors"
	"net/url"
	"strings"
)

// Item is one entry of the catalog.
type Item struct {
	ID    string `json:"id"`
	Price int    `json:"price"`
}

// Catalog lists every item: a resource returning a JSON array.
//
//mcp:resource uri=catalog://items
func Catalog(ctx context.Context) ([]Item, error) { return []Item{{ID: "a", Price: 1}}, nil }

// Count is a resource returning a number.
//
//mcp:resource uri=catalog://count
func Count(ctx context.Context) (int, error) { return 1, nil }

// Priority is an integer enum that travels by name.
//
//mcp:schema json=`{"enum":["low","high"]}`
type Priority int

const (
	Low  Priority = 1
	High Priority = 2
)

// MarshalText implements encoding.TextMarshaler.
func (p Priority) MarshalText() ([]byte, error) {
	switch p {
	case Low:
		return []byte("low"), nil
	case High:
		return []byte("high"), nil
	}
	return nil, errors.New("bad priority")
}

// UnmarshalText implements encoding.TextUnmarshaler.
func (p *Priority) UnmarshalText(b []byte) error {
	switch string(b) {
	case "low":
		*p = Low
	case "high":
		*p = High
	default:
		return errors.New("unknown priority " + string(b))
	}
	return nil
}

// Money is an amount in cents, written as a decimal string.
//
//mcp:schema json=`{"type":"string","pattern":"^[0-9]+\\.[0-9]{2}$"}`
type Money int64

// MarshalJSON implements json.Marshaler.
func (m Money) MarshalJSON() ([]byte, error) {
	return json.Marshal(strings.TrimSpace(string(rune('0'+m%10))) + ".00")
}

// UnmarshalJSON implements json.Unmarshaler.
func (m *Money) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	*m = Money(len(s))
	return nil
}

// Order is the input of place_order.
type Order struct {
	Item     string   `json:"item"`
	Priority Priority `json:"priority"`
	// Rush is a per-field enum on a type that marshals as a string.
	Rush   Priority `json:"rush,omitempty" mcp:"enum=high"`
	Amount Money    `json:"amount"`
	// Note has a default although it is a pointer.
	Note     *string  `json:"note,omitempty" mcp:"default=none"`
	Quantity *int     `json:"quantity,omitempty" mcp:"default=1,min=1"`
	Callback *url.URL `json:"callback,omitempty"`
	Home     url.URL  `json:"home"`
}

// Receipt is the result of place_order.
type Receipt struct {
	Priority Priority `json:"priority"`
	Amount   Money    `json:"amount"`
}

// PlaceOrder places an order.
//
//mcp:tool
func PlaceOrder(ctx context.Context, in Order) (Receipt, error) {
	return Receipt{Priority: in.Priority, Amount: in.Amount}, nil
}
