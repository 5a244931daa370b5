#!/usr/bin/env bash
# Benchmark: a flood of log lines through a running dashboard, and the memory it holds meanwhile.
#   scripts/bench-flood.sh [LINES]        (default 5,000,000)
# Runs the release dashboard in a 120x40 tmux pane on its Logs screen, following one file, and appends LINES JSON
# LLM-call lines to that file as fast as awk writes them (≈130 bytes each). Samples the dashboard's VmRSS every half
# second until the Logs header no longer says "behind" and its counts stop moving (or 5 minutes pass), then prints the
# peak RSS, the time to catch up and the header's own words (lines kept in the ring, lines counted as skipped).
# The bound under test: the Logs ring keeps `log-buffer` records and at most `log-buffer-mb` MB (64 by default).
set -euo pipefail
cd "$(dirname "$0")/.."

lines=${1:-5000000}
scripts/ensure-deps.sh --tests
swift build -c release --product lookout >/dev/null 2>&1
bin=$PWD/.build/release/lookout
work=$(mktemp -d)
socket="lookout-flood-$$"
cleanup() { tmux -L "$socket" kill-server 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

log=$work/app.log
: > "$log"
cat > "$work/flood.yaml" <<YAML
contexts:
  flood:
    services:
      - name: chat-api
        url: http://127.0.0.1:9
        readiness: null
        interval: 30s
        logs:
          - file: $log
            mapping: app
YAML
chmod 600 "$work/flood.yaml"
tmux -L "$socket" new-session -d -s flood -x 120 -y 40 \
  "exec env TERM=xterm-256color LOOKOUT_STATE_DB=$work/state.sqlite $bin --config $work/flood.yaml --log-file $work/lookout.log"
pid=$(tmux -L "$socket" display -p -t flood '#{pane_pid}')
sleep 2
tmux -L "$socket" send-keys -t flood 4
sleep 1
rss() { awk '/VmRSS/ { print int($2 / 1024) }' "/proc/$pid/status"; }
echo "dashboard RSS before: $(rss) MB"

start=$(date +%s.%N)
awk -v n="$lines" 'BEGIN {
  split("openai anthropic azure-openai", providers, " "); split("gpt-4o claude-3-5-haiku gpt-4o-mini", models, " ")
  for (i = 0; i < n; i++) {
    p = i % 3 + 1
    printf "{\"time\":\"2026-12-05T08:%02d:%02d.%03dZ\",\"level\":\"info\",\"service\":\"chat-api\",\"provider\":\"%s\",\"model\":\"%s\",\"latency_ms\":%d,\"input_tokens\":%d,\"output_tokens\":%d,\"status_code\":200,\"request_id\":\"r%d\"}\n",
      int(i / 60000) % 60, int(i / 1000) % 60, i % 1000, providers[p], models[p], 100 + i % 900, 50 + i % 500, 20 + i % 300, i
  }
}' >> "$log"
written=$(date +%s.%N)
bytes=$(stat -c %s "$log")
echo "appended $lines lines ($((bytes / 1048576)) MB) in $(awk -v a="$start" -v b="$written" 'BEGIN { printf "%.1f", b - a }') s"

peak=0; last=""; still=0
while :; do
  now=$(rss); [ "$now" -gt "$peak" ] && peak=$now
  header=$(tmux -L "$socket" capture-pane -p -t flood | grep -m1 -E "following|behind|skipped|lines" || true)
  if ! grep -q "behind" <<<"$header" && [ "$header" = "$last" ]; then still=$((still + 1)); else still=0; fi
  last=$header
  [ "$still" -ge 4 ] && break
  elapsed=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { print int(b - a) }')
  [ "$elapsed" -ge 300 ] && { echo "not caught up after 5 minutes"; break; }
  sleep 0.5
done
done_at=$(date +%s.%N)
echo "caught up $(awk -v a="$start" -v b="$done_at" 'BEGIN { printf "%.1f", b - a - 2 }') s after the first line (the last 2 s: waiting for the counts to settle)"
echo "peak RSS $peak MB, now $(rss) MB"
echo "Logs header: $(sed 's/^ *//' <<<"$last")"
