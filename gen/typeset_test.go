package gen

import (
	"bytes"
	"encoding/json"
	"fmt"
	"go/token"
	"go/types"
	"strings"
	"testing"

	"github.com/dave/jennifer/jen"
)

// wantSchemas are the schemas of the fixture types (testdata/typeset/fixture),
// indented here for review; the emitted schemas are compact.
var wantSchemas = map[string]string{
	"in Basic": `
		{
			"type": "object",
			"properties": {
				"s": {
					"type": "string"
				},
				"b": {
					"type": "boolean"
				},
				"i": {
					"type": "integer"
				},
				"i8": {
					"type": "integer",
					"minimum": -128,
					"maximum": 127
				},
				"i16": {
					"type": "integer",
					"minimum": -32768,
					"maximum": 32767
				},
				"i32": {
					"type": "integer",
					"minimum": -2147483648,
					"maximum": 2147483647
				},
				"i64": {
					"type": "integer"
				},
				"u": {
					"type": "integer",
					"minimum": 0
				},
				"u8": {
					"type": "integer",
					"minimum": 0,
					"maximum": 255
				},
				"u16": {
					"type": "integer",
					"minimum": 0,
					"maximum": 65535
				},
				"u32": {
					"type": "integer",
					"minimum": 0,
					"maximum": 4294967295
				},
				"u64": {
					"type": "integer",
					"minimum": 0
				},
				"f32": {
					"type": "number"
				},
				"f64": {
					"type": "number"
				}
			},
			"required": [
				"s",
				"b",
				"i",
				"i8",
				"i16",
				"i32",
				"i64",
				"u",
				"u8",
				"u16",
				"u32",
				"u64",
				"f32",
				"f64"
			],
			"additionalProperties": false
		}`,
	"in Tags": `
		{
			"type": "object",
			"properties": {
				"renamed": {
					"type": "string"
				},
				"omit": {
					"type": "string"
				},
				"zero": {
					"type": "integer"
				},
				"-": {
					"type": "string"
				},
				"NoTag": {
					"type": "string"
				},
				"ptr": {
					"type": [
						"integer",
						"null"
					]
				},
				"inner": {
					"type": "string"
				},
				"deep": {
					"type": "integer"
				},
				"named": {
					"type": "object",
					"description": "Embedded is flattened into Tags.",
					"properties": {
						"inner": {
							"type": "string"
						},
						"renamed": {
							"type": "string",
							"description": "Renamed is hidden by Tags.Renamed (shallower)."
						}
					},
					"required": [
						"inner",
						"renamed"
					],
					"additionalProperties": false
				}
			},
			"required": [
				"renamed",
				"-",
				"NoTag",
				"inner",
				"named"
			],
			"additionalProperties": false
		}`,
	"in Docs": `
		{
			"type": "object",
			"properties": {
				"city": {
					"type": "string",
					"description": "City name, for example \"Paris\"."
				},
				"days": {
					"type": "integer",
					"description": "Number of days."
				},
				"unit": {
					"type": "string",
					"description": "Unit is documented on the field.",
					"enum": [
						"c",
						"f"
					]
				},
				"units": {
					"type": "string",
					"description": "Units is a temperature unit.",
					"enum": [
						"c",
						"f"
					]
				}
			},
			"required": [
				"city"
			],
			"additionalProperties": false
		}`,
	"in Constraints": `
		{
			"type": "object",
			"properties": {
				"days": {
					"type": "integer",
					"minimum": 1,
					"maximum": 7,
					"default": 3
				},
				"name": {
					"type": "string",
					"minLength": 2,
					"maxLength": 5,
					"pattern": "^\\p{Ll}+$"
				},
				"color": {
					"type": "string",
					"title": "Colour",
					"enum": [
						"red",
						"green"
					]
				},
				"size": {
					"type": "number",
					"minimum": 0.5,
					"maximum": 10.25
				},
				"when": {
					"type": "string",
					"format": "date-time"
				},
				"mail": {
					"type": "string",
					"description": "Where, exactly",
					"format": "email"
				},
				"trace": {
					"type": "string",
					"x-mcp-header": "X-Trace-Id"
				},
				"unit": {
					"type": "string",
					"description": "Units is a temperature unit.",
					"enum": [
						"c",
						"f"
					],
					"default": "f"
				},
				"level": {
					"type": "integer",
					"description": "Level is an integer enum.",
					"enum": [
						1,
						2
					]
				},
				"ratio": {
					"type": [
						"number",
						"null"
					],
					"maximum": 1,
					"default": 0.5
				},
				"every": {
					"type": "string",
					"pattern": "^[-+]?(0|(([0-9]+(\\.[0-9]*)?|\\.[0-9]+)(ns|us|µs|μs|ms|s|m|h))+)$",
					"default": "1h30m"
				},
				"nanos": {
					"type": "integer"
				},
				"repeat": {
					"type": "string",
					"pattern": "^a{1,3}$"
				},
				"flag": {
					"type": "boolean",
					"default": true
				}
			},
			"required": [
				"name",
				"color",
				"level"
			],
			"additionalProperties": false
		}`,
	"in Special": `
		{
			"type": "object",
			"properties": {
				"at": {
					"type": "string",
					"format": "date-time"
				},
				"data": {
					"type": "string",
					"contentEncoding": "base64"
				},
				"raw": {},
				"any": {},
				"labels": {
					"type": "object",
					"additionalProperties": {
						"type": "string"
					}
				},
				"byUnit": {
					"type": "object",
					"additionalProperties": {
						"type": "integer"
					}
				},
				"list": {
					"type": "array",
					"items": {
						"type": "string"
					}
				},
				"grid": {
					"type": "array",
					"items": {
						"type": "array",
						"items": {
							"type": "integer"
						}
					}
				},
				"pair": {
					"type": "array",
					"items": {
						"type": "integer"
					},
					"minItems": 2,
					"maxItems": 2
				},
				"units": {
					"type": "array",
					"items": {
						"type": "string",
						"description": "Units is a temperature unit.",
						"enum": [
							"c",
							"f"
						]
					}
				},
				"upper": {
					"description": "Upper decodes itself: it upper-cases a JSON string."
				},
				"opt": {
					"type": [
						"string",
						"null"
					]
				},
				"loc": {
					"type": "object",
					"properties": {
						"lat": {
							"type": "number"
						},
						"lon": {
							"type": "number"
						}
					},
					"required": [
						"lat",
						"lon"
					],
					"additionalProperties": false
				}
			},
			"required": [
				"at",
				"data",
				"list"
			],
			"additionalProperties": false
		}`,
	"in Shared": `
		{
			"$schema": "https://json-schema.org/draft/2020-12/schema",
			"type": "object",
			"properties": {
				"home": {
					"anyOf": [
						{
							"$ref": "#/$defs/address"
						},
						{
							"type": "null"
						}
					]
				},
				"work": {
					"$ref": "#/$defs/address"
				}
			},
			"required": [
				"work"
			],
			"additionalProperties": false,
			"$defs": {
				"address": {
					"type": "object",
					"description": "Addr is a postal address, shared through $defs.",
					"properties": {
						"street": {
							"type": "string"
						}
					},
					"required": [
						"street"
					],
					"additionalProperties": false
				}
			}
		}`,
	"in Node": `
		{
			"$schema": "https://json-schema.org/draft/2020-12/schema",
			"type": "object",
			"properties": {
				"name": {
					"type": "string"
				},
				"children": {
					"type": "array",
					"items": {
						"$ref": "#/$defs/Node"
					}
				}
			},
			"required": [
				"name"
			],
			"additionalProperties": false,
			"$defs": {
				"Node": {
					"type": "object",
					"description": "Node is a recursive tree.",
					"properties": {
						"name": {
							"type": "string"
						},
						"children": {
							"type": "array",
							"items": {
								"$ref": "#/$defs/Node"
							}
						}
					},
					"required": [
						"name"
					],
					"additionalProperties": false
				}
			}
		}`,
	"in Tree": `
		{
			"$schema": "https://json-schema.org/draft/2020-12/schema",
			"type": "object",
			"properties": {
				"root": {
					"$ref": "#/$defs/Node"
				},
				"other": {
					"anyOf": [
						{
							"$ref": "#/$defs/Node"
						},
						{
							"type": "null"
						}
					]
				}
			},
			"required": [
				"root"
			],
			"additionalProperties": false,
			"$defs": {
				"Node": {
					"type": "object",
					"description": "Node is a recursive tree.",
					"properties": {
						"name": {
							"type": "string"
						},
						"children": {
							"type": "array",
							"items": {
								"$ref": "#/$defs/Node"
							}
						}
					},
					"required": [
						"name"
					],
					"additionalProperties": false
				}
			}
		}`,
	"in A": `
		{
			"$schema": "https://json-schema.org/draft/2020-12/schema",
			"type": "object",
			"properties": {
				"b": {
					"anyOf": [
						{
							"$ref": "#/$defs/B"
						},
						{
							"type": "null"
						}
					]
				}
			},
			"additionalProperties": false,
			"$defs": {
				"A": {
					"type": "object",
					"description": "A and B are mutually recursive.",
					"properties": {
						"b": {
							"anyOf": [
								{
									"$ref": "#/$defs/B"
								},
								{
									"type": "null"
								}
							]
						}
					},
					"additionalProperties": false
				},
				"B": {
					"type": "object",
					"description": "B points back to A.",
					"properties": {
						"a": {
							"type": "array",
							"items": {
								"$ref": "#/$defs/A"
							}
						}
					},
					"required": [
						"a"
					],
					"additionalProperties": false
				}
			}
		}`,
	"in Paged": `
		{
			"type": "object",
			"properties": {
				"page": {
					"type": "object",
					"description": "Page is generic.",
					"properties": {
						"items": {
							"type": "array",
							"items": {
								"type": "object",
								"description": "Item is an element of a Page.",
								"properties": {
									"id": {
										"type": "integer"
									}
								},
								"required": [
									"id"
								],
								"additionalProperties": false
							}
						},
						"next": {
							"type": "string"
						}
					},
					"required": [
						"items"
					],
					"additionalProperties": false
				}
			},
			"required": [
				"page"
			],
			"additionalProperties": false
		}`,
	"in Extra": `
		{
			"type": "object",
			"properties": {
				"l": {
					"type": "integer"
				},
				"r": {
					"type": "integer"
				},
				"shared": {
					"type": "string",
					"maxLength": 3
				},
				"emb": {
					"type": "object",
					"description": "Embedded is flattened into Tags.",
					"properties": {
						"inner": {
							"type": "string"
						},
						"renamed": {
							"type": "string",
							"description": "Renamed is hidden by Tags.Renamed (shallower)."
						}
					},
					"required": [
						"inner",
						"renamed"
					],
					"additionalProperties": false
				},
				"up2": {
					"type": "string",
					"title": "Shout",
					"description": "Upper decodes itself: it upper-cases a JSON string."
				},
				"ip": {
					"type": "string",
					"format": "ipv4"
				},
				"opt": {
					"type": [
						"integer",
						"null"
					],
					"description": "Level is an integer enum.",
					"enum": [
						2,
						null
					]
				},
				"durs": {
					"type": "array",
					"items": {
						"type": "string",
						"pattern": "^[-+]?(0|(([0-9]+(\\.[0-9]*)?|\\.[0-9]+)(ns|us|µs|μs|ms|s|m|h))+)$"
					}
				},
				"levels": {
					"type": "object",
					"additionalProperties": {
						"type": "integer",
						"description": "Level is an integer enum.",
						"enum": [
							1,
							2
						]
					}
				},
				"num": {
					"type": "number"
				},
				"when": {
					"type": [
						"string",
						"null"
					],
					"format": "date-time"
				},
				"meta": {
					"type": "object",
					"additionalProperties": {}
				},
				"day": {
					"type": "string",
					"format": "date"
				},
				"days": {
					"type": "array",
					"items": {
						"type": "string",
						"format": "date"
					}
				},
				"panon": {
					"type": [
						"object",
						"null"
					],
					"properties": {
						"a": {
							"type": "integer",
							"minimum": 1
						}
					},
					"required": [
						"a"
					],
					"additionalProperties": false
				},
				"points": {
					"type": "array",
					"items": {
						"type": "object",
						"properties": {
							"X": {
								"type": "number"
							},
							"Y": {
								"type": "number"
							}
						},
						"required": [
							"X",
							"Y"
						],
						"additionalProperties": false
					}
				}
			},
			"required": [
				"l",
				"r",
				"emb"
			],
			"additionalProperties": false
		}`,
	"flat": `
		{
			"$schema": "https://json-schema.org/draft/2020-12/schema",
			"type": "object",
			"properties": {
				"a": {
					"type": "integer"
				},
				"b": {
					"type": [
						"string",
						"null"
					]
				},
				"unit": {
					"type": "string",
					"description": "Units is a temperature unit.",
					"enum": [
						"c",
						"f"
					]
				},
				"nodes": {
					"type": "array",
					"items": {
						"$ref": "#/$defs/Node"
					}
				}
			},
			"required": [
				"a",
				"unit",
				"nodes"
			],
			"additionalProperties": false,
			"$defs": {
				"Node": {
					"type": "object",
					"description": "Node is a recursive tree.",
					"properties": {
						"name": {
							"type": "string"
						},
						"children": {
							"type": "array",
							"items": {
								"$ref": "#/$defs/Node"
							}
						}
					},
					"required": [
						"name"
					],
					"additionalProperties": false
				}
			}
		}`,
	"flat empty": `
		{
			"type": "object",
			"properties": {},
			"additionalProperties": false
		}`,
	"out Out": `
		{
			"type": "object",
			"properties": {
				"temp": {
					"type": "number"
				},
				"note": {
					"type": [
						"string",
						"null"
					]
				},
				"tags": {
					"type": [
						"array",
						"null"
					],
					"items": {
						"type": "string"
					}
				},
				"extra": {
					"type": "array",
					"items": {
						"type": "string"
					}
				},
				"wait": {
					"type": "integer"
				}
			},
			"required": [
				"temp",
				"tags",
				"wait"
			],
			"additionalProperties": false
		}`,
	"out *Out": `
		{
			"type": "object",
			"properties": {
				"temp": {
					"type": "number"
				},
				"note": {
					"type": [
						"string",
						"null"
					]
				},
				"tags": {
					"type": [
						"array",
						"null"
					],
					"items": {
						"type": "string"
					}
				},
				"extra": {
					"type": "array",
					"items": {
						"type": "string"
					}
				},
				"wait": {
					"type": "integer"
				}
			},
			"required": [
				"temp",
				"tags",
				"wait"
			],
			"additionalProperties": false
		}`,
	"out int": `
		{
			"type": "object",
			"properties": {
				"result": {
					"type": "integer"
				}
			},
			"required": [
				"result"
			]
		}`,
	"out []Out": `
		{
			"type": "object",
			"properties": {
				"result": {
					"type": [
						"array",
						"null"
					],
					"items": {
						"type": "object",
						"description": "Out is a result type.",
						"properties": {
							"temp": {
								"type": "number"
							},
							"note": {
								"type": [
									"string",
									"null"
								]
							},
							"tags": {
								"type": [
									"array",
									"null"
								],
								"items": {
									"type": "string"
								}
							},
							"extra": {
								"type": "array",
								"items": {
									"type": "string"
								}
							},
							"wait": {
								"type": "integer"
							}
						},
						"required": [
							"temp",
							"tags",
							"wait"
						],
						"additionalProperties": false
					}
				}
			},
			"required": [
				"result"
			]
		}`,
	"out map": `
		{
			"type": "object",
			"additionalProperties": {
				"type": "number"
			}
		}`,
	"out Node": `
		{
			"$schema": "https://json-schema.org/draft/2020-12/schema",
			"type": "object",
			"properties": {
				"name": {
					"type": "string"
				},
				"children": {
					"type": "array",
					"items": {
						"anyOf": [
							{
								"$ref": "#/$defs/Node"
							},
							{
								"type": "null"
							}
						]
					}
				}
			},
			"required": [
				"name"
			],
			"additionalProperties": false,
			"$defs": {
				"Node": {
					"type": "object",
					"description": "Node is a recursive tree.",
					"properties": {
						"name": {
							"type": "string"
						},
						"children": {
							"type": "array",
							"items": {
								"anyOf": [
									{
										"$ref": "#/$defs/Node"
									},
									{
										"type": "null"
									}
								]
							}
						}
					},
					"required": [
						"name"
					],
					"additionalProperties": false
				}
			}
		}`,
	"out Tree wrapped": `
		{
			"$schema": "https://json-schema.org/draft/2020-12/schema",
			"type": "object",
			"properties": {
				"result": {
					"type": "object",
					"description": "Tree holds a recursive type below the root.",
					"properties": {
						"root": {
							"$ref": "#/$defs/Node"
						},
						"other": {
							"$ref": "#/$defs/Node"
						}
					},
					"required": [
						"root"
					],
					"additionalProperties": false
				}
			},
			"required": [
				"result"
			],
			"$defs": {
				"Node": {
					"type": "object",
					"description": "Node is a recursive tree.",
					"properties": {
						"name": {
							"type": "string"
						},
						"children": {
							"type": "array",
							"items": {
								"anyOf": [
									{
										"$ref": "#/$defs/Node"
									},
									{
										"type": "null"
									}
								]
							}
						}
					},
					"required": [
						"name"
					],
					"additionalProperties": false
				}
			}
		}`,
}

// fixtureSchemas computes every schema of wantSchemas. Each input gets a
// fresh TypeSet unless shared is set, so the order of registration cannot
// change a schema.
func fixtureSchemas(t *testing.T, fx *fixture, shared bool) map[string][]byte {
	t.Helper()
	ts := fx.typeSet()
	fresh := func() *TypeSet {
		if shared {
			return ts
		}
		return fx.typeSet()
	}
	got := map[string][]byte{}
	for _, n := range []string{"Basic", "Tags", "Docs", "Constraints", "Special", "Node", "Tree", "A", "Paged", "Extra", "Shared"} {
		in := fresh().InputStruct(n, fx.lookup(t, n), token.NoPos)
		if in == nil {
			t.Fatalf("InputStruct(%s): %v", n, fx.errs)
		}
		got["in "+n] = in.Schema()
	}
	flat := fresh().InputFlat("flatArgs", []Param{
		{Name: "a", Type: types.Typ[types.Int]},
		{Name: "b", Type: types.NewPointer(types.Typ[types.String])},
		{Name: "unit", Type: fx.lookup(t, "Units")},
		{Name: "nodes", Type: types.NewSlice(fx.lookup(t, "Node"))},
	})
	got["flat"] = flat.Schema()
	got["flat empty"] = fresh().InputFlat("noArgs", nil).Schema()
	out := fx.lookup(t, "Out")
	got["out Out"] = fresh().OutputSchema(out, token.NoPos, false)
	got["out *Out"] = fresh().OutputSchema(types.NewPointer(out), token.NoPos, false)
	got["out int"] = fresh().OutputSchema(types.Typ[types.Int], token.NoPos, true)
	got["out []Out"] = fresh().OutputSchema(types.NewSlice(out), token.NoPos, true)
	got["out map"] = fresh().OutputSchema(types.NewMap(types.Typ[types.String], types.Typ[types.Float64]), token.NoPos, false)
	got["out Node"] = fresh().OutputSchema(fx.lookup(t, "Node"), token.NoPos, false)
	got["out Tree wrapped"] = fresh().OutputSchema(fx.lookup(t, "Tree"), token.NoPos, true)
	if len(fx.errs) > 0 {
		t.Fatalf("unexpected errors: %v", fx.errs)
	}
	return got
}

func TestTypeSetSchemas(t *testing.T) {
	fx := loadFixture(t, "fixture")
	got := fixtureSchemas(t, fx, false)
	shared := fixtureSchemas(t, fx, true)
	if len(got) != len(wantSchemas) {
		t.Errorf("%d schemas, want %d", len(got), len(wantSchemas))
	}
	for name, want := range wantSchemas {
		t.Run(name, func(t *testing.T) {
			var compact bytes.Buffer
			if err := json.Compact(&compact, []byte(want)); err != nil {
				t.Fatalf("bad want: %v", err)
			}
			if !json.Valid(got[name]) {
				t.Fatalf("invalid JSON: %s", got[name])
			}
			if !bytes.Equal(got[name], compact.Bytes()) {
				var pretty bytes.Buffer
				json.Indent(&pretty, got[name], "\t\t", "\t")
				t.Errorf("got\n\t\t%s\nwant%s", pretty.String(), want)
			}
			if !bytes.Equal(got[name], shared[name]) {
				t.Errorf("schema depends on what else the TypeSet holds:\n%s\n%s", got[name], shared[name])
			}
		})
	}
}

// TestTypeSetErrors checks that every unsupported type and bad tag is
// reported at its field, and that the input is then nil.
func TestTypeSetErrors(t *testing.T) {
	fx := loadFixture(t, "bad")
	ts := fx.typeSet()
	if in := ts.InputStruct("bad", fx.lookup(t, "Bad"), token.NoPos); in != nil {
		t.Error("InputStruct returned an Input despite errors")
	}
	want := []string{
		"bad.go:14:2: field Ch has type chan int: channels are not supported; " + supportedTypes,
		"bad.go:15:2: field Fn has type func(): funcs are not supported; " + supportedTypes,
		"bad.go:16:2: field C has type complex128: complex numbers are not supported; " + supportedTypes,
		"bad.go:17:2: field P has type unsafe.Pointer: unsafe.Pointer is not supported; " + supportedTypes,
		"bad.go:18:2: field M has type map[int]string: map keys must be strings (or named string types); " + supportedTypes,
		"bad.go:19:2: field I has type interface{M()}: interfaces with methods are not supported (only any); " + supportedTypes,
		`bad.go:20:2: field D has type time.Duration: say how it is written with ` + "`" + `mcp:"format=duration"` + "`" + ` (a Go duration string such as "1h30m") or ` + "`" + `mcp:"format=nanoseconds"` + "`" + ` (an integer)`,
		`bad.go:21:2: field Tag: mcp tag: unknown key "bogus" (known: ` + tagKeys + `)`,
		"bad.go:22:2: field Min: mcp tag: min applies to numbers, not string (use minLength/maxLength for strings)",
		"bad.go:23:2: field Len: mcp tag: maxLength applies to strings, not int",
		"bad.go:24:2: field Pat: mcp tag: pattern [ does not compile: error parsing regexp: missing closing ]: `[`",
		"bad.go:25:2: field Def: mcp tag: default=x: want an integer",
		"bad.go:26:2: field Enum: mcp tag: enum value 9 is not a constant of bad.Level",
		"bad.go:27:2: field Hidden: type bad.hidden is not exported (or is local to a function), so the generated package cannot name it; export it",
		`bad.go:28:2: field Str: the json ",string" option is not supported; use a string field`,
		"bad.go:29:2: field Range: mcp tag: max=300: out of range for int8",
		`bad.go:30:2: field Fmt: mcp tag: unknown format "bogus" (want a JSON Schema format such as date-time, date, email, uri, uuid)`,
		"bad.go:31:2: field Anon element has type struct{x int}: an anonymous struct with unexported fields can only be a direct field; declare a named type",
		`bad.go:32:2: field DefPat: mcp tag: default "bbb" does not fit minLength/maxLength`,
		`bad.go:32:2: field DefPat: mcp tag: default "bbb" does not match the pattern ^a+$`,
		"bad.go:33:2: field Dup: mcp tag: duplicate key min",
		"bad.go:34:2: field Bare: mcp tag: readonly: want key=value (known keys: " + tagKeys + ")",
		"bad.go:35:2: field Quote: mcp tag: unterminated quote in the value of title",
		`bad.go:36:2: field Hdr: mcp tag: header="a b" is not a valid HTTP header name`,
		"bad.go:37:2: field Fdef: mcp tag: default applies to strings, numbers, booleans and durations, not []int",
		"bad.go:38:2: field RefInt: mcp tag: ref applies to struct fields (or pointers to structs), not int",
		`bad.go:39:2: field RefBad: mcp tag: ref="a/b": want a name of letters, digits, _ . and -`,
	}
	if got := strings.Join(fx.errs, "\n"); got != strings.Join(want, "\n") {
		t.Errorf("errors:\n%s\nwant:\n%s", got, strings.Join(want, "\n"))
	}
	// a second tool using the same struct gets nil without repeating errors
	n := len(fx.errs)
	if in := ts.InputStruct("bad2", fx.lookup(t, "Bad"), token.NoPos); in != nil || len(fx.errs) != n {
		t.Errorf("second use: input %v, %d new errors", in, len(fx.errs)-n)
	}
}

// TestTypeSetMisuse covers errors about the arguments as a whole.
func TestTypeSetMisuse(t *testing.T) {
	fx := loadFixture(t, "fixture")
	pos := fx.pkg.Scope().Lookup("Basic").Pos()
	at := fmt.Sprintf("fixture.go:%d:%d: ", fx.fset.Position(pos).Line, fx.fset.Position(pos).Column)
	str := types.Typ[types.String]
	tests := []struct {
		name string
		run  func(ts *TypeSet) bool // reports whether a result was returned
		want string
	}{
		{"not a struct", func(ts *TypeSet) bool { return ts.InputStruct("x", str, pos) != nil },
			at + "arguments of type string: want a named struct type (or a pointer to one)"},
		{"unnamed param", func(ts *TypeSet) bool {
			return ts.InputFlat("x", []Param{{Name: "_", Type: str, Pos: pos}}) != nil
		}, at + "parameter 1 must be named: its name is the argument's name"},
		{"chan param", func(ts *TypeSet) bool {
			return ts.InputFlat("x", []Param{{Name: "c", Type: types.NewChan(types.SendRecv, str), Pos: pos}}) != nil
		}, at + "parameter c has type chan string: channels are not supported; " + supportedTypes},
		{"complex result", func(ts *TypeSet) bool {
			return ts.OutputSchema(types.Typ[types.Complex64], pos, true) != nil
		}, at + "result has type complex64: complex numbers are not supported; " + supportedTypes},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := fx.typeSet()
			if tt.run(ts) {
				t.Error("got a result despite the error")
			}
			if got := strings.Join(fx.errs, "\n"); got != tt.want {
				t.Errorf("errors:\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

func TestTypeCode(t *testing.T) {
	fx := loadFixture(t, "fixture")
	page := fx.lookup(t, "Page").(*types.Named)
	inst, err := types.Instantiate(nil, page, []types.Type{fx.lookup(t, "Item")}, true)
	if err != nil {
		t.Fatal(err)
	}
	str := types.Typ[types.String]
	tests := []struct {
		t    types.Type
		want string
	}{
		{str, "string"},
		{fx.lookup(t, "Units"), "fixture.Units"},
		{types.NewPointer(fx.lookup(t, "Node")), "*fixture.Node"},
		{types.NewSlice(types.NewMap(str, fx.lookup(t, "Level"))), "[]map[string]fixture.Level"},
		{types.NewArray(types.Typ[types.Int], 3), "[3]int"},
		{inst, "fixture.Page[fixture.Item]"},
		{types.NewInterfaceType(nil, nil), "any"},
		{types.Universe.Lookup("error").Type(), "error"},
	}
	for _, tt := range tests {
		f := jen.NewFile("p")
		f.Var().Id("_").Add(TypeCode(tt.t))
		got := f.GoString()
		got = got[strings.Index(got, "var _ ")+len("var _ "):]
		got = strings.TrimSpace(got)
		if got != tt.want {
			t.Errorf("TypeCode(%s) = %s, want %s", tt.t, got, tt.want)
		}
	}
}

func TestSplitTag(t *testing.T) {
	tests := []struct {
		in, want, err string
	}{
		{"min=1,max=7", "min=1|max=7", ""},
		{"pattern='^a{1,3}$',title='A, B'", "pattern=^a{1,3}$|title=A, B", ""},
		{"readonly,enum=a|b", "readonly!|enum=a|b", ""},
		{"title='open", "", "unterminated quote in the value of title"},
		{"title='a'b", "", "want a comma after the quoted value of title"},
		{"a=1,,b=2", "", "empty item"},
		{"", "", ""},
	}
	for _, tt := range tests {
		items, err := splitTag(tt.in)
		var parts []string
		for _, it := range items {
			if it.bare {
				parts = append(parts, it.key+"!")
			} else {
				parts = append(parts, it.key+"="+it.val)
			}
		}
		if got := strings.Join(parts, "|"); got != tt.want || err != tt.err {
			t.Errorf("splitTag(%q) = %q, %q; want %q, %q", tt.in, got, err, tt.want, tt.err)
		}
	}
}

func FuzzSplitTag(f *testing.F) {
	for _, s := range []string{"min=1,max=7", "pattern='^a{1,3}$'", "x", "a='", "=,="} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		items, err := splitTag(s)
		if err != "" && items != nil {
			t.Fatalf("items with error %q", err)
		}
	})
}

func BenchmarkTypeSetSchemas(b *testing.B) {
	fx := loadFixture(&testing.T{}, "fixture")
	special := fx.lookup(&testing.T{}, "Special")
	b.ReportAllocs()
	for b.Loop() {
		ts := fx.typeSet()
		ts.InputStruct("special", special, token.NoPos)
		ts.Emit(jen.NewFile("p"))
	}
}
