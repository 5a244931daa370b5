#!/usr/bin/env python3
"""A real LiteLLM proxy for lookout's tests: the scripted upstreams (upstream.py), the proxy from the pinned
virtualenv (scripts/ensure-litellm.sh) in front of them, a scripted burst of traffic, then an optional trickle.

  harness.py --venv .build/litellm-venv --dir SCRATCH --parent-pid PID

In SCRATCH it writes proxy_config.yaml, litellm.out (the proxy's JSON logs), payloads.jsonl (the generic_api
callback's StandardLoggingPayloads), metrics-before.prom / metrics-after.prom (around the burst),
readiness.json (what /health/readiness said), readiness-details.json (/health/readiness/details with the master key) and, last, ready.json: {"proxy": URL, "key": master key, "sent": requests, "statuses": {model: [codes]}, "litellm_version": the installed version}. Creating
SCRATCH/trickle.on starts one round of traffic per second. It stops the proxy and exits when PID is gone or on
SIGTERM, so a test run that dies leaves nothing behind.
"""
import argparse
import importlib.metadata
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import upstream  # noqa: E402

MASTER_KEY = "sk-lookout-test-master"

# model_name, litellm model, upstream profile (None: a closed port), model_info.id
DEPLOYMENTS = [
    ("gpt-4o-mini", "openai/gpt-4o-mini", "ok/v1", "openai-mini-a"),
    ("gpt-4o-mini", "openai/gpt-4o-mini", "down/v1", "openai-mini-b"),
    ("gpt-4o", "openai/gpt-4o", "ratelimit/v1", "openai-4o"),
    ("claude-3-5-haiku", "anthropic/claude-3-5-haiku-20241022", "ok", "anthropic-haiku"),
    ("claude-3-5-sonnet", "anthropic/claude-3-5-sonnet-20241022", "overloaded", "anthropic-sonnet"),
    ("gpt-4.1-mini", "openai/gpt-4.1-mini", None, "openai-refused"),
]

# One round: (model, stream). nonexistent-model never reaches a provider (LiteLLM's gateway-level 400).
ROUND = [("gpt-4o-mini", False)] * 4 + [("gpt-4o", False), ("claude-3-5-haiku", False), ("claude-3-5-haiku", False),
                                        ("claude-3-5-sonnet", False), ("gpt-4.1-mini", False),
                                        ("nonexistent-model", False), ("gpt-4o-mini", True)]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def write_config(path, upstream_port, sink):
    closed = free_port()  # nothing listens there: connection refused
    lines = ["model_list:"]
    for name, model, profile, ident in DEPLOYMENTS:
        base = f"http://127.0.0.1:{upstream_port}/{profile}" if profile else f"http://127.0.0.1:{closed}/v1"
        key = "sk-ant-upstream-test" if model.startswith("anthropic/") else "sk-upstream-test"
        lines += [f"  - model_name: {name}",
                  f"    litellm_params: {{model: {model}, api_base: \"{base}\", api_key: {key}}}",
                  f"    model_info: {{id: {ident}}}"]
    lines += ["litellm_settings:",
              "  callbacks: [\"prometheus\", \"lookout_sink\"]",
              "  json_logs: true",
              "  require_auth_for_metrics_endpoint: false",
              "  num_retries: 0",
              "callback_settings:",
              "  lookout_sink:",
              "    callback_type: generic_api",
              f"    endpoint: \"{sink}\"",
              "    log_format: ndjson",
              "    headers: {X-Test-Sink: lookout}",
              "router_settings:",
              # LiteLLM's own provider budgets (in memory, no Redis): large enough never to refuse a call here, so
              # its /metrics carry litellm_provider_remaining_budget_metric for lookout to show as budgets.
              "  provider_budget_config:",
              "    openai: {budget_limit: 50, time_period: 1d}",
              "    anthropic: {budget_limit: 20, time_period: 30d}",
              "  num_retries: 0",
              "  allowed_fails: 1",
              "  cooldown_time: 30",
              "general_settings:",
              f"  master_key: {MASTER_KEY}"]
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


def call(proxy, model, stream):
    body = {"model": model, "messages": [{"role": "user", "content": "ping"}]}
    if stream:
        body["stream"] = True
        body["stream_options"] = {"include_usage": True}
    request = urllib.request.Request(proxy + "/v1/chat/completions", data=json.dumps(body).encode(),
                                     headers={"Authorization": "Bearer " + MASTER_KEY, "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as error:
        error.read()
        return error.code


def get(url, timeout=5, key=None):
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {key}"} if key else {})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return response.read()


def payload_count(path):
    try:
        with open(path) as f:
            return sum(1 for line in f if line.strip())
    except FileNotFoundError:
        return 0


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--venv", required=True)
    parser.add_argument("--dir", required=True)
    parser.add_argument("--parent-pid", type=int, required=True)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    os.makedirs(args.dir, exist_ok=True)
    payloads = os.path.join(args.dir, "payloads.jsonl")
    server = upstream.serve(payloads)
    port = server.server_address[1]
    config = os.path.join(args.dir, "proxy_config.yaml")
    write_config(config, port, f"http://127.0.0.1:{port}/logs")
    proxy_port = free_port()
    proxy = f"http://127.0.0.1:{proxy_port}"
    env = dict(os.environ, LITELLM_LOCAL_MODEL_COST_MAP="True", JSON_LOGS="True", NO_DOCS="True")
    out = open(os.path.join(args.dir, "litellm.out"), "w")
    child = subprocess.Popen([os.path.join(args.venv, "bin", "litellm"), "--config", config, "--host", "127.0.0.1",
                              "--port", str(proxy_port)], stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                             env=env, start_new_session=True)

    def stop(*_):
        try:
            os.killpg(child.pid, signal.SIGTERM)
            child.wait(timeout=10)
        except Exception:
            try:
                os.killpg(child.pid, signal.SIGKILL)
            except Exception:
                pass
        sys.exit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)

    def parent_alive():
        try:
            os.kill(args.parent_pid, 0)
            return True
        except OSError:
            return False

    deadline = time.time() + 180
    while True:
        if child.poll() is not None:
            print("litellm exited with", child.returncode, file=sys.stderr)
            sys.exit(1)
        if not parent_alive() or time.time() > deadline:
            stop()
        try:
            get(proxy + "/health/liveliness", timeout=2)
            break
        except Exception:
            time.sleep(0.5)

    with open(os.path.join(args.dir, "metrics-before.prom"), "wb") as f:
        f.write(get(proxy + "/metrics/"))
    statuses = {}
    sent = 0
    for _ in range(args.rounds):
        for model, stream in ROUND:
            statuses.setdefault(model + (" (stream)" if stream else ""), []).append(call(proxy, model, stream))
            sent += 1
    # The callback batches its posts: wait until every request's payload is in the file.
    flush_deadline = time.time() + 60
    while payload_count(payloads) < sent and time.time() < flush_deadline:
        time.sleep(0.25)
    with open(os.path.join(args.dir, "metrics-after.prom"), "wb") as f:
        f.write(get(proxy + "/metrics/"))
    with open(os.path.join(args.dir, "readiness.json"), "wb") as f:
        f.write(get(proxy + "/health/readiness"))
    # The version is only in the authenticated details (LiteLLM >= 1.10x keeps the public readiness low-detail).
    with open(os.path.join(args.dir, "readiness-details.json"), "wb") as f:
        f.write(get(proxy + "/health/readiness/details", key=MASTER_KEY))
    ready = {"proxy": proxy, "key": MASTER_KEY, "sent": sent, "payloads": payload_count(payloads), "statuses": statuses,
             "litellm_version": importlib.metadata.version("litellm")}
    with open(os.path.join(args.dir, "ready.json.tmp"), "w") as f:
        json.dump(ready, f)
    os.replace(os.path.join(args.dir, "ready.json.tmp"), os.path.join(args.dir, "ready.json"))

    trickle = os.path.join(args.dir, "trickle.on")
    while parent_alive() and child.poll() is None:
        if os.path.exists(trickle):
            for model, stream in ROUND:
                call(proxy, model, stream)
        time.sleep(1)
    stop()


if __name__ == "__main__":
    main()
