# lookout — the two commands of the quick start, and their parts.
#   make demo   installs what is missing, builds, and opens the dashboard on the embedded demo fleet
#   make test   installs what is missing (tmux, Debian's prometheus, a pinned LiteLLM proxy from PyPI into
#               .build/litellm-venv), builds, and runs every test suite
SWIFT ?= swift
BIN := .build/debug/lookout

.PHONY: demo test build deps test-deps clean install fuzz bench
# `make install [PREFIX=/usr/local] [DESTDIR=…] [CONFIGURATION=release] [SKIP_BUILD=1]`: the binary, its themes (found
# there after installation) and shell completions for bash, zsh and fish. SKIP_BUILD=1 installs what is built already
# (the end-to-end suite does: SwiftPM's lock on .build is held by the test run itself).
PREFIX ?= /usr/local
CONFIGURATION ?= release

deps:
	@scripts/ensure-deps.sh

test-deps:
	@scripts/ensure-deps.sh --tests
	@scripts/ensure-litellm.sh

build: deps
	$(SWIFT) build

demo: build
	$(BIN) demo

# --build-tests also builds the lookout binary that the end-to-end suite drives in tmux.
# The edge suites (real sockets, files, subprocesses) run in a process of their own: swift-subprocess finishes each
# run with a hop through Swift's shared concurrency pool, which the CPU-heavy core suites (two threads on two cores)
# held for 20 s at a time when they shared a process — a test artefact, as lookout keeps that pool free.
# The end-to-end suites run last, one at a time: several demo fleets and tmux servers at once on two
# cores made a first frame miss its deadline now and then.
test: test-deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build --filter LookoutEdgeTests
	$(SWIFT) test --skip-build --skip EndToEndTests --skip LookoutEdgeTests
	$(SWIFT) test --skip-build --filter EndToEndTests --no-parallel

# Every benchmark with its peers, one summary table (about 9 minutes from a clean clone on 2 cores; scripts/bench.sh).
bench: test-deps
	scripts/bench.sh

# Coverage-guided fuzzing with libFuzzer, 10 minutes a target (FUZZ_SECONDS=… for another length); findings in
# Fuzz/findings/. `make test` replays the kept corpus (Fuzz/corpus) without the fuzzer.
FUZZ_SECONDS ?= 600
fuzz: deps
	scripts/fuzz.sh $(FUZZ_SECONDS)

install:
	@[ -n "$(SKIP_BUILD)" ] || { scripts/ensure-deps.sh && $(SWIFT) build -c $(CONFIGURATION) --product lookout; }
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/lookout/themes \
	  $(DESTDIR)$(PREFIX)/share/bash-completion/completions $(DESTDIR)$(PREFIX)/share/zsh/site-functions \
	  $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d
	install -m 755 .build/$(CONFIGURATION)/lookout $(DESTDIR)$(PREFIX)/bin/lookout
	install -m 644 themes/*.yaml $(DESTDIR)$(PREFIX)/share/lookout/themes/
	.build/$(CONFIGURATION)/lookout --generate-completion-script bash > $(DESTDIR)$(PREFIX)/share/bash-completion/completions/lookout
	.build/$(CONFIGURATION)/lookout --generate-completion-script zsh > $(DESTDIR)$(PREFIX)/share/zsh/site-functions/_lookout
	.build/$(CONFIGURATION)/lookout --generate-completion-script fish > $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/lookout.fish

clean:
	rm -rf .build
