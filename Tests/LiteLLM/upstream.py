#!/usr/bin/env python3
"""Scripted LLM upstreams for the real-LiteLLM tests, on loopback, standard library only.

One server plays every upstream: the first path segment names the profile, the rest is the provider's API.
  /<profile>/v1/chat/completions   OpenAI Chat Completions (also `"stream": true`, as server-sent events)
  /<profile>/v1/messages           Anthropic Messages
  POST /logs                       sink for LiteLLM's generic_api callback: each payload appended to --log-file
Profiles: ok, slow (1.2 s, then ok), ratelimit (429), error500 (500), overloaded (Anthropic 529), down (503).
A refused connection is not served here: the test points a deployment at a closed port.

Response and error bodies follow the providers' API references (quoted in Tests/LiteLLM/SOURCE.md).
Usage: upstream.py --port-file F --log-file L   (writes the chosen port to F once listening)
"""
import argparse
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LOCK = threading.Lock()
COUNTS = {}


def openai_completion(model, prompt_tokens=12, completion_tokens=7):
    return {
        "id": "chatcmpl-lookout-test",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": "pong"}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
                  "total_tokens": prompt_tokens + completion_tokens},
    }


def anthropic_message(model, input_tokens=14, output_tokens=9):
    return {
        "id": "msg_lookout_test",
        "type": "message",
        "role": "assistant",
        "content": [{"type": "text", "text": "pong"}],
        "model": model,
        "stop_reason": "end_turn",
        "stop_sequence": None,
        "usage": {"input_tokens": input_tokens, "output_tokens": output_tokens},
    }


OPENAI_ERRORS = {
    "ratelimit": (429, {"error": {"message": "Rate limit reached for requests", "type": "requests",
                                  "param": None, "code": "rate_limit_exceeded"}}),
    "error500": (500, {"error": {"message": "The server had an error while processing your request.",
                                 "type": "server_error", "param": None, "code": None}}),
    "down": (503, {"error": {"message": "The engine is currently overloaded, please try again later.",
                             "type": "server_error", "param": None, "code": None}}),
}
ANTHROPIC_ERRORS = {
    "ratelimit": (429, {"type": "error", "error": {"type": "rate_limit_error",
                                                   "message": "Number of request tokens has exceeded your rate limit."}}),
    "error500": (500, {"type": "error", "error": {"type": "api_error", "message": "Internal server error"}}),
    "overloaded": (529, {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}),
    "down": (503, {"type": "error", "error": {"type": "api_error", "message": "Service unavailable"}}),
}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    log_file = None

    def log_message(self, *args):  # quiet: the test reads LiteLLM's output, not ours
        pass

    def send_json(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        if self.path == "/counts":
            with LOCK:
                return self.send_json(200, COUNTS)
        self.send_json(404, {"error": "not found"})

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        if self.path == "/logs":
            return self.sink(raw)
        parts = self.path.strip("/").split("/", 1)
        if len(parts) != 2:
            return self.send_json(404, {"error": "no profile"})
        profile, api = parts
        with LOCK:
            COUNTS[profile] = COUNTS.get(profile, 0) + 1
        try:
            request = json.loads(raw or b"{}")
        except ValueError:
            return self.send_json(400, {"error": {"message": "bad json"}})
        model = request.get("model", "unknown")
        if profile == "slow":
            time.sleep(1.2)
            profile = "ok"
        if api.endswith("chat/completions"):
            if profile in OPENAI_ERRORS:
                return self.send_json(*OPENAI_ERRORS[profile])
            if request.get("stream"):
                return self.stream_openai(model, request)
            return self.send_json(200, openai_completion(model))
        if api.endswith("messages"):
            if profile in ANTHROPIC_ERRORS:
                return self.send_json(*ANTHROPIC_ERRORS[profile])
            return self.send_json(200, anthropic_message(model))
        self.send_json(404, {"error": {"message": "unknown api " + api}})

    def stream_openai(self, model, request):
        """Chat Completions streaming: `data: {chunk}` events, a usage chunk when asked, then `data: [DONE]`."""
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()

        def event(obj):
            payload = b"data: " + (obj if isinstance(obj, bytes) else json.dumps(obj).encode()) + b"\n\n"
            self.wfile.write(b"%x\r\n%s\r\n" % (len(payload), payload))
            self.wfile.flush()

        base = {"id": "chatcmpl-lookout-stream", "object": "chat.completion.chunk", "created": int(time.time()), "model": model}
        time.sleep(0.25)  # time to first token
        for i, word in enumerate(["po", "ng"]):
            delta = {"role": "assistant", "content": word} if i == 0 else {"content": word}
            event(dict(base, choices=[{"index": 0, "delta": delta, "finish_reason": None}]))
            time.sleep(0.1)
        event(dict(base, choices=[{"index": 0, "delta": {}, "finish_reason": "stop"}]))
        if (request.get("stream_options") or {}).get("include_usage"):
            event(dict(base, choices=[], usage={"prompt_tokens": 12, "completion_tokens": 2, "total_tokens": 14}))
        event(b"[DONE]")
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()

    def sink(self, raw):
        """generic_api payloads (ndjson, a JSON array, or one object): one JSON line each in the log file."""
        text = raw.decode("utf-8", "replace").strip()
        items = []
        if text.startswith("["):
            items = json.loads(text)
        else:
            items = [json.loads(line) for line in text.splitlines() if line.strip()]
        with LOCK, open(self.log_file, "a") as out:
            for item in items:
                out.write(json.dumps(item) + "\n")
        self.send_json(200, {"ok": True})


def serve(log_file):
    """Starts the upstream on a free loopback port in a daemon thread; returns the server."""
    Handler.log_file = log_file
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server.request_queue_size = 128
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port-file", required=True)
    parser.add_argument("--log-file", required=True)
    args = parser.parse_args()
    Handler.log_file = args.log_file
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server.request_queue_size = 128
    with open(args.port_file + ".tmp", "w") as f:
        f.write(str(server.server_address[1]))
    import os
    os.replace(args.port_file + ".tmp", args.port_file)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    sys.exit(0)


if __name__ == "__main__":
    main()
