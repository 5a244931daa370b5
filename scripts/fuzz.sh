#!/usr/bin/env bash
# Coverage-guided fuzzing of lookout's parsers of outside input with libFuzzer (part of the Swift toolchain).
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET…]      (default 600 s each; `make fuzz`)
#   targets: exposition logs config readiness sse conditions theme
# Builds Sources/LookoutFuzz with -sanitize=fuzzer,address into .build/fuzz (apart from the normal builds; linked with
# the toolchain's lld: Debian's gold fails on it with an internal error), seeds each
# target from Fuzz/corpus/TARGET (real shapes copied from the test fixtures), and runs it for the time given. The
# corpus libFuzzer grows is kept in .build/fuzz/corpus (reused by the next run); a crash or a broken invariant is
# written to Fuzz/findings/ and the script fails. Each finding, once fixed, is moved to Fuzz/corpus/TARGET/, which
# the test suite replays (FuzzCorpusTests), so it stays a regression test.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-600}
shift || true
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(exposition logs config readiness sse conditions theme)
scripts/ensure-deps.sh

swift build -c release --product lookout-fuzz --scratch-path .build/fuzz \
  -Xswiftc -sanitize=fuzzer,address -Xswiftc -DLOOKOUT_FUZZING -Xswiftc -Xclang-linker -Xswiftc -fuse-ld=lld 2>&1 | grep -Ev 'warning: Cannot export local symbol' | tail -2
bin=.build/fuzz/release/lookout-fuzz
mkdir -p Fuzz/findings
status=0
for target in "${targets[@]}"; do
  corpus=.build/fuzz/corpus/$target
  mkdir -p "$corpus"
  log=.build/fuzz/$target.log
  echo "fuzzing $target for $seconds s (seeds: Fuzz/corpus/$target, corpus: $corpus)"
  if ! LOOKOUT_FUZZ_TARGET=$target "$bin" "$corpus" "Fuzz/corpus/$target" -max_total_time="$seconds" -max_len=65536 \
       -timeout=10 -rss_limit_mb=2048 -artifact_prefix="Fuzz/findings/$target-" -print_final_stats=1 > "$log" 2>&1; then
    status=1
    echo "  FINDING: see $log and Fuzz/findings/"
    grep -E "ERROR|Fatal error|SUMMARY" "$log" | head -5
  fi
  awk '/stat::number_of_executed_units/ { runs = $2 } /stat::peak_rss_mb/ { rss = $2 } /cov: / { cov = $0 }
       END { sub(/.*cov: /, "", cov); split(cov, parts, " "); printf "  %s runs, coverage %s edges, peak RSS %s MB\n", runs, parts[1], rss }' "$log"
  echo "  corpus: $(ls "$corpus" | wc -l) inputs"
done
exit $status
