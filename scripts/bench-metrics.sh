#!/usr/bin/env bash
# Benchmark: reading a large `/metrics` exposition (LiteLLM names), as every scrape of a big gateway does.
#   scripts/bench-metrics.sh [DEPLOYMENTS]
# Generates a LiteLLM-style exposition with DEPLOYMENTS (default 2,000) deployments: success and failure
# counters per deployment and API key, latency histograms (12 buckets) per model and key, token and spend
# counters, gauges. Times `lookout metrics FILE` (parse, and every series turned into per-provider calls,
# percentiles from buckets) over 5 runs and prints the median, MB/s, samples/s and peak RSS.
# The dashboard does this on the poller thread, once per scrape interval (15 s is common).
set -euo pipefail
cd "$(dirname "$0")/.."

deployments=${1:-2000}
scripts/ensure-deps.sh
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

times=(); rss=0
for _ in 1 2 3 4 5; do
  /usr/bin/time -f "%e %M" -o "$work/t" "$bin" metrics "$file" > /dev/null
  read -r t m < "$work/t"
  times+=("$t"); [ "$m" -gt "$rss" ] && rss=$m
done
median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n 3p)
echo "exposition: $deployments deployments, $samples samples, $((bytes / 1024)) KiB"
awk -v t="$median" -v b="$bytes" -v s="$samples" -v r="$rss" 'BEGIN {
  printf "lookout metrics (median of 5): %.2f s   %.1f MB/s   %.0f k samples/s   peak RSS %d MB\n", t, b / t / 1e6, s / t / 1e3, r / 1024 }'
