#!/usr/bin/env bash
# `make bench`: every benchmark, each with its peer beside lookout, and one summary at the end.
#   scripts/bench.sh            (about 9 minutes from a clean clone on 2 cores, release build included)
# Runs, in order (each script says how it measures; their whole output is kept in .build/bench.log):
#   scripts/bench-metrics.sh          /metrics parsing: lookout vs promtool check metrics vs prometheus_client
#   scripts/bench-poll.sh 20 1000     polling 1,000 loopback endpoints: lookout's CPU vs curl --parallel's
#   scripts/bench-stats.sh            lookout stats vs DuckDB, grep -c and jq on 1,000,000 log lines (results checked equal)
#   scripts/bench-terminal.sh 30      the dashboard's terminal bytes and CPU vs htop -d 10
#   first frame                       lookout demo, five starts: the diagnostic log's "first frame drawn N ms after
#                                     the process started" (kernel start time; 10 ms resolution)
set -euo pipefail
cd "$(dirname "$0")/.."

started=$(date +%s)
mkdir -p .build
log=.build/bench.log
: > "$log"
scripts/ensure-deps.sh --tests
swift build -c release --product lookout 2>&1 | tail -1

run() {
  echo "== $*" | tee -a "$log" >&2
  "$@" 2>&1 | tee -a "$log" | sed 's/^/   /' >&2
}
run scripts/bench-metrics.sh
run scripts/bench-poll.sh 20 1000
run scripts/bench-stats.sh
run scripts/bench-terminal.sh 30

# First frame: the demo started five times in a 120x40 tmux pane.
bin=$PWD/.build/release/lookout
work=$(mktemp -d)
trap 'tmux -L lookout-first-frame kill-server 2>/dev/null || true; rm -rf "$work"' EXIT
frames=()
for i in 1 2 3 4 5; do
  tmux -L lookout-first-frame new-session -d -s f -x 120 -y 40 \
    "exec env TERM=xterm-256color LOOKOUT_STATE_DB=$work/state-$i.sqlite $bin demo --log-file $work/first-$i.log"
  for _ in $(seq 50); do grep -q "first frame drawn" "$work/first-$i.log" 2>/dev/null && break; sleep 0.1; done
  tmux -L lookout-first-frame kill-server 2>/dev/null || true
  frames+=("$(sed -n 's/.*first frame drawn \([0-9]*\) ms.*/\1/p' "$work/first-$i.log" | head -1)")
done
first_frame=$(printf '%s\n' "${frames[@]}" | sort -n | sed -n 3p)
echo "== first frame: ${frames[*]} ms (median $first_frame ms)" | tee -a "$log" >&2

elapsed=$(( $(date +%s) - started ))
echo
echo "lookout benchmarks — $(date -u +%F), $(nproc) cores, $(uname -m); $elapsed s in all; full output in $log"
echo
echo "/metrics: a LiteLLM exposition of 2,000 deployments (median of 5)"
grep -E '^(lookout metrics|  of which|  parse and judge|promtool|python)|lookout vs promtool' "$log" | sed 's/^/  /' || true
echo
grep -A4 '^polling ' "$log" | sed 's/^/  /' || true
echo
echo "lookout stats: 1,000,000 generated log lines"
grep -E '^(lookout  |duckdb  |grep-c  |jq-|input:|agreement|speed-up)' "$log" | sed 's/^/  /' || true
echo
grep -A4 '^terminal cost' "$log" | sed 's/^/  /' || true
echo
echo "first frame on the demo: median $first_frame ms of five starts (${frames[*]} ms)"
