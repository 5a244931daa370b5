#!/usr/bin/env bash
# Benchmark: polling many endpoints — lookout next to curl --parallel fetching the same URLs, in one run.
#   scripts/bench-poll.sh [SECONDS] [ENDPOINTS]     (default 30 s, 1000 endpoints)
# Serves GET /health on ENDPOINTS loopback ports (scripts/bench/health-server.py, asyncio, keep-alive), then for SECONDS
# each, one after the other:
#   lookout --config <ENDPOINTS services, liveness only, every 1 s>   (release, the dashboard in a 120x40 tmux pane,
#                                                                      after a 5 s warm-up)
#   every second: curl --parallel --parallel-max 100 -s -o /dev/null URL… (all ENDPOINTS URLs; a new process each second)
# and prints the CPU each used (utime+stime), the requests each made (lookout: counted by the server), and the ratio.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-30}
count=${2:-1000}
. scripts/bench/prepare.sh
bench_prepare poll curl python3
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

python3 scripts/bench/health-server.py "$count" "$work/ports" &
background=$!
for _ in $(seq 100); do [ -s "$work/ports" ] && break; sleep 0.1; done
{
  echo "contexts:"
  echo "  bench:"
  echo "    services:"
  while read -r port; do
    printf '      - { name: s%s, url: "http://127.0.0.1:%s", readiness: ~, interval: 1s, timeout: 900ms }\n' "$port" "$port"
  done < "$work/ports"
} > "$work/lookout.yaml"
chmod 600 "$work/lookout.yaml"
sed "s|^|url = http://127.0.0.1:|; s|$|/health\noutput = /dev/null|" "$work/ports" > "$work/curl.conf"

ticks=$(getconf CLK_TCK)
cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# lookout: the dashboard, as an engineer leaves it open.
tmux -L "$socket" new-session -d -s poll -x 120 -y 40 \
  "exec env TERM=xterm-256color LOOKOUT_STATE_DB=$work/state.sqlite $bin --config $work/lookout.yaml --log-file $work/lookout.log"
pid=$(tmux -L "$socket" display -p -t poll '#{pane_pid}')
sleep 5
answered() { sleep 0.6; cat "$work/ports.count"; }   # the server writes its count every half second
c0=$(cpu "$pid"); a0=$(answered)
sleep "$seconds"
c1=$(cpu "$pid"); a1=$(answered)
tmux -L "$socket" kill-session -t poll
lookout_cpu=$(awk -v a="$c0" -v b="$c1" -v t="$ticks" 'BEGIN { printf "%.2f", (b - a) / t }')

lookout_probes=$((a1 - a0))
# curl: every URL each second, 100 at a time, as a cron-like prober would.
b0=$(answered)
start=$(date +%s.%N)
/usr/bin/time -f "%U %S" -o "$work/curl.time" bash -c '
  for i in $(seq '"$seconds"'); do
    t0=$(date +%s.%N)
    curl --parallel --parallel-max 100 --no-progress-meter -s -K '"$work/curl.conf"' || true
    rest=$(awk -v a="$t0" -v b="$(date +%s.%N)" "BEGIN { r = 1 - (b - a); print (r > 0 ? r : 0) }")
    sleep "$rest"
  done'
b1=$(answered)
curl_probes=$((b1 - b0))
read -r cu cs < "$work/curl.time"
curl_cpu=$(awk -v u="$cu" -v s="$cs" 'BEGIN { printf "%.2f", u + s }')
wall=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
probes=$(grep -c "" "$work/ports")
awk -v n="$probes" -v s="$seconds" -v l="$lookout_cpu" -v c="$curl_cpu" -v w="$wall" -v lp="$lookout_probes" -v cp="$curl_probes" 'BEGIN {
  printf "polling %d loopback endpoints once a second for %d s (release, 2 cores shared with the server)\n", n, s
  printf "  %-44s %8s %12s %10s\n", "", "CPU s", "probes/s", "CPU/probe"
  printf "  %-44s %8.2f %12.0f %8.0f us\n", "lookout (dashboard, 120x40)", l, lp / s, (lp > 0 ? 1e6 * l / lp : 0)
  printf "  %-44s %8.2f %12.0f %8.0f us   (%.1f s wall)\n", "curl --parallel --parallel-max 100, each second", c, cp / s, (cp > 0 ? 1e6 * c / cp : 0), w
  printf "  lookout / curl: %.2fx CPU per probe (%d and %d probes answered; %d asked for each)\n", (cp > 0 && lp > 0 ? (l / lp) / (c / cp) : 0), lp, cp, n * s
}'
