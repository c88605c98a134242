#!/usr/bin/env python3
"""A small OpenAI chat-completions server for the agent tests (stdlib only).

Usage: fake_openai.py LOG_FILE
Listens on 127.0.0.1 on a free port and prints the port on its first stdout line.
Every POST is appended to LOG_FILE as one JSON line: {"path", "authorization", "body"}.

The answer is scripted by the request's "model" field:
  echo          text "echo: <last user message>"
  tool-add      first turn: a tool call to "add" with {"a": 2, "b": 3};
                after a tool message: text "sum is <that tool message's content>"
  always-tool   always a tool call to the first offered tool with {}
  fenced-json   a JSON object wrapped in prose and a ```json fence
  schema-retry  {"answer": "forty-two"} until a user message mentions the output schema
                problem, then {"answer": 42}
  error-500     HTTP 500 with an OpenAI-style error body
  flaky-N       HTTP 503 for the first N requests with this model, then text "recovered"
  rate-limited  HTTP 429 with "Retry-After: 1" for the first request, then text "admitted"
  not-json      HTTP 200 with a body that is not JSON
  slow          waits 120 s before answering (for cancellation and timeouts)
"""
import json
import signal
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# A child inherits its spawning thread's signal mask; the test host's threads block SIGTERM,
# which would make the test's terminate() a no-op.
signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
signal.signal(signal.SIGTERM, signal.SIG_DFL)

LOG_PATH = sys.argv[1]
LOG_LOCK = threading.Lock()
SEEN = {}  # requests so far, by model


def completion(message, finish_reason):
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "model": "fake",
        "choices": [{"index": 0, "message": message, "finish_reason": finish_reason}],
    }


def text(content):
    return completion({"role": "assistant", "content": content}, "stop")


def tool_call(name, arguments):
    call = {"id": "call_1", "type": "function",
            "function": {"name": name, "arguments": json.dumps(arguments)}}
    return completion({"role": "assistant", "content": None, "tool_calls": [call]}, "tool_calls")


def answer(body):
    model = body.get("model")
    messages = body.get("messages", [])
    tool_messages = [m for m in messages if m.get("role") == "tool"]
    users = [m.get("content") or "" for m in messages if m.get("role") == "user"]
    if model == "echo":
        return 200, text("echo: " + users[-1])
    if model == "tool-add":
        if tool_messages:
            return 200, text("sum is " + tool_messages[-1]["content"])
        return 200, tool_call("add", {"a": 2, "b": 3})
    if model == "always-tool":
        name = body["tools"][0]["function"]["name"]
        return 200, tool_call(name, {})
    if model == "fenced-json":
        return 200, text('Sure! Here is the result:\n```json\n{"answer": 42, "note": "a } in a string"}\n```\nHope it helps.')
    if model == "schema-retry":
        if any("did not match the output schema" in u for u in users):
            return 200, text('{"answer": 42}')
        return 200, text('{"answer": "forty-two"}')
    if model.startswith("flaky-"):
        if SEEN[model] <= int(model.split("-")[1]):
            return 503, {"error": {"message": "try again later", "type": "server_error"}}
        return 200, text("recovered")
    if model == "rate-limited":
        if SEEN[model] == 1:
            return 429, {"error": {"message": "slow down", "type": "rate_limit"}}
        return 200, text("admitted")
    if model == "error-500":
        return 500, {"error": {"message": "the model is overloaded", "type": "server_error"}}
    if model == "slow":
        time.sleep(120)
        return 200, text("too late")
    return 400, {"error": {"message": "unknown scripted model %r" % model}}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        body = json.loads(self.rfile.read(length) or b"{}")
        with LOG_LOCK, open(LOG_PATH, "a") as log:
            SEEN[body.get("model")] = SEEN.get(body.get("model"), 0) + 1
            log.write(json.dumps({"path": self.path,
                                  "authorization": self.headers.get("Authorization"),
                                  "body": body}) + "\n")
        if body.get("model") == "not-json":
            self.reply(200, b"<html>surprise</html>")
            return
        status, payload = answer(body)
        self.reply(status, json.dumps(payload).encode())

    def reply(self, status, data):
        self.send_response(status)
        if status == 429:
            self.send_header("Retry-After", "1")
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


class Server(ThreadingHTTPServer):
    daemon_threads = True


server = Server(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
