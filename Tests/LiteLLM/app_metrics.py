#!/usr/bin/env python3
"""The metrics of an ordinary FastAPI AI service, written by the real prometheus_client (the library such apps use),
to capture the exposition lookout must read. Metric names and labels are the ones issue 11 reports from a real
service: llm_requests_total{provider,model,status="success"|"error"}, llm_request_duration_seconds (a histogram),
llm_tokens_total{type="input"|"output"}, llm_cost_usd_total.

  python app_metrics.py OUT_BEFORE OUT_AFTER   (two scrapes: before and after a scripted set of calls)
"""
import sys

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest

registry = CollectorRegistry()
requests = Counter("llm_requests", "LLM calls by outcome", ["provider", "model", "status"], registry=registry)
duration = Histogram("llm_request_duration_seconds", "LLM call latency", ["provider", "model"], registry=registry)
tokens = Counter("llm_tokens", "LLM tokens by type", ["provider", "model", "type"], registry=registry)
cost = Counter("llm_cost_usd", "LLM spend in US dollars", ["provider", "model"], registry=registry)


def call(provider, model, seconds, ok=True, tokens_in=0, tokens_out=0, usd=0.0):
    requests.labels(provider, model, "success" if ok else "error").inc()
    duration.labels(provider, model).observe(seconds)
    if ok:
        tokens.labels(provider, model, "input").inc(tokens_in)
        tokens.labels(provider, model, "output").inc(tokens_out)
        cost.labels(provider, model).inc(usd)


call("openai", "gpt-4o-mini", 0.42, tokens_in=120, tokens_out=40, usd=0.000042)
with open(sys.argv[1], "wb") as f:
    f.write(generate_latest(registry))
for _ in range(8):
    call("openai", "gpt-4o-mini", 0.38, tokens_in=100, tokens_out=50, usd=0.000045)
for _ in range(2):
    call("openai", "gpt-4o-mini", 2.7, ok=False)
for _ in range(4):
    call("anthropic", "claude-3-5-haiku-20241022", 0.9, tokens_in=200, tokens_out=80, usd=0.00048)
call("anthropic", "claude-3-5-haiku-20241022", 0.05, ok=False)
with open(sys.argv[2], "wb") as f:
    f.write(generate_latest(registry))
