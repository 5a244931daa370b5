#!/usr/bin/env bash
# Benchmark: reading a large `/metrics` exposition (LiteLLM names), as every scrape of a big gateway does — lookout
# next to two peers reading the same file: Debian's `promtool check metrics` (Prometheus' own text parser, plus its
# lint) and Python's `prometheus_client` parser (the pinned version of the test virtualenv).
#   scripts/bench-metrics.sh [DEPLOYMENTS]
# Generates a LiteLLM-style exposition with DEPLOYMENTS (default 2,000) deployments: success and failure
# counters per deployment and API key, latency histograms (12 buckets) per model and key, token and spend
# counters, gauges. Each command runs 5 times; the median wall time and the largest peak RSS are printed.
# `lookout metrics FILE` parses, turns every series into per-provider calls and percentiles from buckets, and
# prints them; its "parse alone" row takes off what the same command costs on a one-line file (starting the
# process: 30 MB of shared libraries mapped, argument parsing), which the dashboard pays once, not per scrape.
set -euo pipefail
cd "$(dirname "$0")/.."

deployments=${1:-2000}
scripts/ensure-deps.sh --tests     # promtool (Debian's prometheus)
scripts/ensure-litellm.sh          # python with prometheus_client
[ -x /usr/bin/time ] || { sudo_cmd=(); [ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo); "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null; }
swift build -c release --product lookout >/dev/null 2>&1
bin=.build/release/lookout
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
file="$work/metrics.prom"

awk -v n="$deployments" 'BEGIN {
  srand(7)
  split("openai anthropic azure-openai bedrock vertex_ai", providers, " ")
  split("0.05 0.1 0.25 0.5 1.0 1.5 2.5 5.0 10.0 30.0 60.0 +Inf", bounds, " ")
  print "# HELP litellm_deployment_success_responses LLM Deployment Analytics - Total number of successful LLM API calls via litellm"
  print "# TYPE litellm_deployment_success_responses counter"
  for (d = 0; d < n; d++) for (k = 0; k < 3; k++)
    printf "litellm_deployment_success_responses_total{api_base=\"https://d%d.example.com\",api_provider=\"%s\",litellm_model_name=\"model-%d\",model_id=\"id-%d\",hashed_api_key=\"%064d\"} %d.0\n", d, providers[d % 5 + 1], d, d, k, int(rand() * 100000)
  print "# TYPE litellm_deployment_failure_responses counter"
  for (d = 0; d < n; d++)
    printf "litellm_deployment_failure_responses_total{api_provider=\"%s\",exception_class=\"RateLimitError\",exception_status=\"429\",litellm_model_name=\"model-%d\",model_id=\"id-%d\"} %d.0\n", providers[d % 5 + 1], d, d, int(rand() * 1000)
  print "# TYPE litellm_llm_api_latency_metric histogram"
  for (d = 0; d < n; d++) for (k = 0; k < 2; k++) {
    c = 0
    for (b = 1; b <= 12; b++) { c += int(rand() * 500); printf "litellm_llm_api_latency_metric_bucket{hashed_api_key=\"%064d\",model=\"model-%d\",le=\"%s\"} %d.0\n", k, d, bounds[b], c }
    printf "litellm_llm_api_latency_metric_count{hashed_api_key=\"%064d\",model=\"model-%d\"} %d.0\n", k, d, c
    printf "litellm_llm_api_latency_metric_sum{hashed_api_key=\"%064d\",model=\"model-%d\"} %.3f\n", k, d, c * 0.8
  }
  print "# TYPE litellm_input_tokens_metric counter"
  for (d = 0; d < n; d++) printf "litellm_input_tokens_metric_total{model=\"model-%d\"} %d.0\n", d, int(rand() * 1e7)
  print "# TYPE litellm_spend_metric counter"
  for (d = 0; d < n; d++) printf "litellm_spend_metric_total{model=\"model-%d\"} %.4f\n", d, rand() * 100
  print "# TYPE litellm_deployment_state gauge"
  for (d = 0; d < n; d++) printf "litellm_deployment_state{api_provider=\"%s\",litellm_model_name=\"model-%d\"} %d.0\n", providers[d % 5 + 1], d, (d % 50 == 0)
}' > "$file"

bytes=$(stat -c %s "$file")
samples=$(grep -vc '^#' "$file")
"$bin" metrics --format json "$file" > "$work/out.json"
grep -q '"anthropic":{"requests":' "$work/out.json" || { echo "lookout metrics found no anthropic calls" >&2; exit 1; }

echo 'litellm_deployment_state{api_provider="openai"} 0' > "$work/one.prom"
python=.build/litellm-venv/bin/python
client=$("$python" -c 'import importlib.metadata as m; print(m.version("prometheus_client"))')
cat > "$work/parse.py" <<'PY'
import sys
from prometheus_client.parser import text_string_to_metric_families
with open(sys.argv[1]) as f:
    print(sum(len(family.samples) for family in text_string_to_metric_families(f.read())))
PY
[ "$("$python" "$work/parse.py" "$file")" = "$samples" ] || { echo "prometheus_client read a different number of samples" >&2; exit 1; }

# median seconds and peak RSS (MB) of 5 runs: measure NAME COMMAND…
measure() {
  local name=$1; shift
  local times=() rss=0 t m
  for _ in 1 2 3 4 5; do
    local begin=$EPOCHREALTIME
    /usr/bin/time -f "%M" -o "$work/t" "$@" < "$file" > /dev/null 2>&1 || true
    t=$(awk -v a="$begin" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.4f", b - a }')
    m=$(tail -1 "$work/t")
    times+=("$t"); [ "$m" -gt "$rss" ] && rss=$m
  done
  printf '%s %s %s\n' "$name" "$(printf '%s\n' "${times[@]}" | sort -n | sed -n 3p)" "$((rss / 1024))"
}
{
  measure lookout "$bin" metrics "$file"
  measure start "$bin" metrics "$work/one.prom"
  measure promtool promtool check metrics
  measure python "$python" "$work/parse.py" "$file"
} > "$work/results"

echo "exposition: $deployments deployments, $samples samples, $((bytes / 1024)) KiB ($(date -u +%F), $(nproc) cores)"
awk -v s="$samples" -v client="$client" '
  { t[$1] = $2; r[$1] = $3 }
  function row(name, secs, rss, note) {
    rate = note ~ /one-line/ ? "" : sprintf("%.0f k samples/s", s / secs / 1e3)
    printf "%-38s %7.3f s %18s %6d MB  %s\n", name, secs, rate, rss, note
  }
  END {
    row("lookout metrics", t["lookout"], r["lookout"], "")
    row("  of which starting the process", t["start"], r["start"], "(the same command on a one-line file)")
    parse = t["lookout"] - t["start"]
    row("  parse and judge alone", parse, r["lookout"] - r["start"], "(RSS: over the process start)")
    row("promtool check metrics (Debian)", t["promtool"], r["promtool"], "(parse and lint)")
    row("python prometheus_client " client, t["python"], r["python"], "(text_string_to_metric_families)")
    printf "lookout vs promtool: %.1fx faster, vs prometheus_client: %.1fx\n", t["promtool"] / t["lookout"], t["python"] / t["lookout"]
  }' "$work/results"
