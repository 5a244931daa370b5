"""Per-provider statistics of a JSON-lines log in DuckDB (read_json + quantile_cont), for scripts/bench-stats.sh.

Usage: duckdb-stats.py LOG — prints {"provider": {"requests", "errors", "input_tokens", "output_tokens", "cost_usd"}}
with the definitions lookout stats uses (an error: status error/failure, an HTTP code >= 400, or level ERROR; tokens
also from a nested `usage`); p50/p95/p99 are computed too, as lookout's are, though not compared (HdrHistogram's
2-digit buckets against exact quantiles).
"""
import sys, duckdb, json
con = duckdb.connect()
con.execute("SET threads TO 2")
q = f"""
SELECT provider,
  count(*) AS requests,
  sum(CASE WHEN status IN ('error','failure') OR coalesce(status_code, 0) >= 400 OR level = 'ERROR' THEN 1 ELSE 0 END) AS errors,
  sum(coalesce(input_tokens, usage.input_tokens, 0)) AS input_tokens,
  sum(coalesce(output_tokens, usage.output_tokens, 0)) AS output_tokens,
  sum(coalesce(cost_usd, 0)) AS cost_usd,
  quantile_cont(latency_ms, 0.5) AS p50, quantile_cont(latency_ms, 0.95) AS p95, quantile_cont(latency_ms, 0.99) AS p99
FROM read_json('{sys.argv[1]}', format = 'newline_delimited', ignore_errors = true, sample_size = -1)
WHERE provider IS NOT NULL GROUP BY provider ORDER BY provider
"""
rows = con.execute(q).fetchall()
print(json.dumps({r[0]: {"requests": r[1], "errors": int(r[2]), "input_tokens": int(r[3]), "output_tokens": int(r[4]), "cost_usd": r[5]} for r in rows}))
