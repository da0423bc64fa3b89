# The two commands a newcomer needs:
#   make demo   generate the quickstart server and serve it on 127.0.0.1
#   make test   every test: vet, unit/golden/e2e tests with -race, the
#               "generated code is current" check, the official conformance
#               suite and the TypeScript SDK smoke test
.PHONY: demo test generate check vet unit interop bench

demo:
	./scripts/demo.sh

test:
	./scripts/test.sh

# Regenerate every example and golden case.
generate:
	go generate ./examples/...
	go test ./gen -run Golden -update

# Fail if any committed generated code is stale.
check:
	./scripts/check-generated.sh

vet:
	go vet ./...

unit:
	go test -race ./...

interop:
	./interop/conformance/run.sh stateful
	./interop/conformance/run.sh stateless
