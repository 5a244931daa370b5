# lookout — the two commands of the quick start, and their parts.
#   make demo   installs what is missing, builds, and opens the dashboard on the embedded demo fleet
#   make test   installs what is missing (tmux too), builds, and runs every test suite
SWIFT ?= swift
BIN := .build/debug/lookout

.PHONY: demo test build deps test-deps clean

deps:
	@scripts/ensure-deps.sh

test-deps:
	@scripts/ensure-deps.sh --tests

build: deps
	$(SWIFT) build

demo: build
	$(BIN) demo

# --build-tests also builds the lookout binary that the end-to-end suite drives in tmux.
# The end-to-end suite runs on its own afterwards, so the CPU-heavy unit suites do not starve the real binary.
test: test-deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build --skip EndToEndTests
	$(SWIFT) test --skip-build --filter EndToEndTests

clean:
	rm -rf .build
