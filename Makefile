# Kyozo's developer entry points. `make test` is the whole suite, exactly
# what CI runs (.ci/run); it installs the Debian packages tests need first.

GO       ?= go
PKGS     ?= ./...
FUZZTIME ?= 10000x
BIN      ?= bin/kyozo

.PHONY: build test test-deps unit fuzz bench lint fmt clean

build:
	$(GO) build -trimpath -ldflags="-s -w" -o $(BIN) ./cmd/kyozo

test: test-deps lint unit fuzz

test-deps:
	@bash scripts/test-deps.sh

unit:
	$(GO) test -race -count=1 $(PKGS)

# Every fuzz target, briefly: the seed corpus plus FUZZTIME executions
# (a count; see scripts/fuzz.sh for why not a duration).
fuzz:
	@bash scripts/fuzz.sh $(FUZZTIME)

bench:
	$(GO) test -run '^$$' -bench . -benchmem $(PKGS)
	@bash scripts/bench-detect.sh

lint:
	@out=$$(gofmt -l cmd internal scripts hooks deploy); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet $(PKGS)

fmt:
	gofmt -w cmd internal scripts hooks deploy

clean:
	rm -rf bin
