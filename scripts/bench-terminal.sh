#!/usr/bin/env bash
# Benchmark: what the dashboard costs a terminal and a CPU, next to htop, in one run.
#   scripts/bench-terminal.sh [SECONDS]
# Serves the demo fleet in the background, then runs, one after the other in a 120x40 tmux pane (TERM=xterm-256color):
#   lookout --config <the demo's config>   (release build; the Overview, as an engineer leaves it open)
#   htop -d 10                              (its refresh every 1.0 s)
# For SECONDS (default 30) after a 5 s warm-up it counts the bytes each program writes to its terminal (tmux
# pipe-pane) and the CPU time it used (utime+stime from /proc), and prints bytes/s, CPU % and the ratios.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-30}
. scripts/bench/prepare.sh
bench_prepare terminal htop

"$bin" demo --fleet-only --write-config "$work/demo.yaml" >"$work/fleet.log" 2>&1 &
background=$!
for _ in $(seq 50); do [ -s "$work/demo.yaml" ] && break; sleep 0.2; done

ticks=$(getconf CLK_TCK)
# measure NAME COMMAND…: prints "NAME bytes/s cpu%"
measure() {
  local name=$1; shift
  tmux -L "$socket" new-session -d -s "$name" -x 120 -y 40 "exec env TERM=xterm-256color $*"
  local pid; pid=$(tmux -L "$socket" display -p -t "$name" '#{pane_pid}')
  sleep 5
  tmux -L "$socket" pipe-pane -t "$name" -o "cat > $work/$name.out"
  local cpu0; cpu0=$(awk '{print $14 + $15}' "/proc/$pid/stat")
  sleep "$seconds"
  local cpu1; cpu1=$(awk '{print $14 + $15}' "/proc/$pid/stat")
  tmux -L "$socket" pipe-pane -t "$name"
  tmux -L "$socket" kill-session -t "$name"
  local bytes; bytes=$(stat -c %s "$work/$name.out")
  awk -v n="$name" -v b="$bytes" -v s="$seconds" -v c0="$cpu0" -v c1="$cpu1" -v t="$ticks" \
    'BEGIN { printf "%s %.0f %.2f\n", n, b / s, 100 * (c1 - c0) / t / s }'
}

lookout=$(measure lookout "$bin" --config "$work/demo.yaml" --log-file "$work/lookout.log")
htop=$(measure htop htop -d 10)
echo "$lookout" "$htop" | awk -v s="$seconds" '{
  printf "terminal cost over %d s at 120x40 (after a 5 s warm-up)\n", s
  printf "  %-28s %10s %8s\n", "", "bytes/s", "CPU"
  printf "  %-28s %10d %7.2f%%\n", "lookout (demo fleet)", $2, $3
  printf "  %-28s %10d %7.2f%%\n", "htop -d 10", $5, $6
  printf "  lookout / htop: %.2fx bytes, %.2fx CPU\n", $2 / $5, ($6 > 0 ? $3 / $6 : 0)
}'
