// Package out receives the decoders that TestTypeSetDecoders emits for
// the fixture package; its own tests run them on good and bad inputs.
// decoders.go is generated: rewrite it with
// go test ./gen -run TypeSetDecoders -typeset.update.
package out
