#!/usr/bin/env bash
# Benchmark: `lookout stats` against DuckDB (read_json + quantile_cont, pinned from PyPI), grep -c and jq on the same
# generated log, after checking lookout, DuckDB and jq agree.
#   scripts/bench-stats.sh [LINES] [--with-slurp]
# Generates LINES (default 1,000,000) lines with lookout's own generator (LLM calls, access lines,
# nested `usage` objects, ~5% malformed), checks lookout's per-provider requests, errors, tokens and
# cost against jq's, and prints wall time, lines/s, MB/s and peak RSS of each (GNU time).
# jq runs in streaming mode (`reduce inputs`, its fastest and leanest form); --with-slurp also times
# the common `-s … group_by` form, which holds the whole file in memory.
set -euo pipefail
cd "$(dirname "$0")/.."

lines=1000000
slurp=0
for arg in "$@"; do
  case "$arg" in
    --with-slurp) slurp=1 ;;
    *) lines="$arg" ;;
  esac
done

scripts/ensure-deps.sh
need=()
command -v jq >/dev/null || need+=(jq)
[ -x /usr/bin/time ] || need+=(time)
command -v bc >/dev/null || need+=(bc)
if [ ${#need[@]} -gt 0 ]; then
  sudo_cmd=(); [ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
  "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

swift build -c release --product lookout >/dev/null 2>&1
bin=.build/release/lookout
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
log="$work/bench.log"
"$bin" demo --generate-logs "$lines" > "$log"
bytes=$(stat -c %s "$log")

# Per-provider aggregates in jq, streaming: the same definitions as lookout stats
# (error: status error/failure, HTTP code >= 400, or level ERROR; tokens also from a nested `usage`).
jq_reduce='reduce (inputs | fromjson? | select(type == "object" and .provider != null)) as $r ({};
  .[$r.provider] |= {
    requests: ((.requests // 0) + 1),
    errors: ((.errors // 0) + (if ($r.status == "error" or $r.status == "failure" or (($r.status_code // 0) >= 400)
                                   or $r.level == "ERROR") then 1 else 0 end)),
    input_tokens: ((.input_tokens // 0) + ($r.input_tokens // $r.usage.input_tokens // 0)),
    output_tokens: ((.output_tokens // 0) + ($r.output_tokens // $r.usage.output_tokens // 0)),
    cost_usd: ((.cost_usd // 0) + ($r.cost_usd // 0))})'

measure() { # name, runs, output file, command... (reports the median run; peak RSS is the largest seen)
  local name=$1 runs=$2 out=$3; shift 3
  local all=() rss_kb=0 s r
  for _ in $(seq "$runs"); do
    /usr/bin/time -f "%e %M" -o "$work/$name.time" "$@" > "$out"
    read -r s r < "$work/$name.time"
    all+=("$s"); [ "$r" -gt "$rss_kb" ] && rss_kb=$r
  done
  seconds=$(printf '%s\n' "${all[@]}" | sort -n | sed -n "$(( (runs + 1) / 2 ))p")
  printf '%-22s %8.2f s %12.0f lines/s %8.1f MB/s %8.1f MB peak RSS\n' "$name" "$seconds" \
    "$(echo "$lines / $seconds" | bc -l)" "$(echo "$bytes / 1048576 / $seconds" | bc -l)" "$(echo "$rss_kb / 1024" | bc -l)"
  eval "${name//[^a-z]/_}_seconds=$seconds"
}


# DuckDB from PyPI, pinned, in a virtualenv of its own under .build (reused across runs).
duckdb_version=2.0.1
venv=.build/bench-venv
if ! [ -f "$venv/.duckdb-$duckdb_version" ]; then
  if ! python3 -c 'import venv, ensurepip' 2>/dev/null; then
    sudo_cmd=(); [ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
    "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-venv >/dev/null
  fi
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q "duckdb==$duckdb_version"
  touch "$venv/.duckdb-$duckdb_version"
fi

echo "input: $lines lines, $(echo "$bytes / 1048576" | bc) MB ($log)"
measure lookout 5 "$work/lookout.json" "$bin" stats --format json "$log"
measure duckdb 3 "$work/duckdb.json" "$venv/bin/python" scripts/bench/duckdb-stats.py "$log"
measure grep-c 5 "$work/grep.txt" grep -c provider "$log"     # to a file: GNU grep stops at the first match for /dev/null
measure jq-stream 1 "$work/jq.json" jq -R -n "$jq_reduce" "$log"
if [ "$slurp" = 1 ]; then
  measure jq-slurp 1 "$work/jq-slurp.json" jq -R -s 'split("\n") | map(fromjson? | select(type == "object" and .provider != null))
    | group_by(.provider) | map({key: .[0].provider, value: {requests: length}}) | from_entries' "$log"
fi

# Agreement: the same numbers per provider (cost compared to the micro-dollar).
norm='to_entries | map({key, value: {requests: .value.requests, errors: .value.errors,
  input_tokens: .value.input_tokens, output_tokens: .value.output_tokens,
  cost_micro_usd: ((.value.cost_usd // 0) * 1000000 | round)}}) | sort_by(.key) | from_entries'
jq -S ".groups | $norm" "$work/lookout.json" > "$work/a.json"
agree() { # peer name, its per-provider JSON
  jq -S "$norm" "$2" > "$work/peer.json"
  if diff -u "$work/peer.json" "$work/a.json"; then
    echo "agreement: lookout stats and $1 report the same requests, errors, tokens and cost per provider"
  else
    echo "DISAGREEMENT between lookout stats and $1 (above)" >&2
    exit 1
  fi
}
agree jq "$work/jq.json"
agree DuckDB "$work/duckdb.json"
printf 'speed-up over jq (streaming): %.1fx, over DuckDB: %.1fx; grep -c takes %.2f of lookout'"'"'s time\n' \
  "$(echo "$jq_stream_seconds / $lookout_seconds" | bc -l)" "$(echo "$duckdb_seconds / $lookout_seconds" | bc -l)" \
  "$(echo "$grep_c_seconds / $lookout_seconds" | bc -l)"
