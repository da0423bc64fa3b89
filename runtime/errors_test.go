package runtime

import (
	"encoding/json"
	"errors"
	"testing"
)

func TestIsStoreErrorResponse(t *testing.T) {
	id := json.RawMessage("7")
	if !IsStoreErrorResponse(EncodeError(id, StoreError(errors.New("store redis://x: down")))) {
		t.Error("a StoreError response is not recognised")
	}
	for _, e := range []*Error{NewError(CodeInternalError, "internal error"), NewError(CodeInvalidParams, "the server's state store is unavailable, retry shortly: (a message, not the store)")} {
		if IsStoreErrorResponse(EncodeError(id, e)) {
			t.Errorf("%v taken for a StoreError", e)
		}
	}
}
