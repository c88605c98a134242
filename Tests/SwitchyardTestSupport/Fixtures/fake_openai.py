#!/usr/bin/env python3
"""A small model server for the agent tests (stdlib only): OpenAI chat completions on
POST /v1/chat/completions and Anthropic Messages on POST /v1/messages.

Usage: fake_openai.py LOG_FILE
Listens on 127.0.0.1 on a free port and prints the port on its first stdout line.
Every POST is appended to LOG_FILE as one JSON line:
{"path", "authorization", "x_api_key", "anthropic_version", "organization", "body"}.
Every chat completion reports usage {prompt_tokens: 10, completion_tokens: 5, total_tokens: 15}
(with completion_tokens_details.reasoning_tokens: 2); every Messages answer
{input_tokens: 20, output_tokens: 7}.

Anthropic answers are scripted by "model": claude-echo (text "echo: <last user text>"),
claude-tool-add (a tool_use of "add" with {"a": 2, "b": 3}; after a tool_result,
text "sum is <its content>"), claude-parallel (two tool_use blocks of the first tool, then
text with both results), claude-error-529 (HTTP 529 overloaded_error every time).

The chat-completions answer is scripted by the request's "model" field:
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
  parallel      first turn: two tool calls (call_a {"n": 1}, call_b {"n": 2}) of the first offered
                tool; then text "results: <tool message contents joined by |>"
  bad-args      first turn: a call to "add" with {"a": "two"}; then text "fixed: <tool content>"
  truncated     HTTP 200 whose Content-Length promises more bytes than are sent
  wrong-shape   HTTP 200 with JSON that is not a chat completion
  REAL_PROJECT_MODELS (the names compozy's examples use) answer as echo, or, when a message
                states an output schema ("matching this JSON Schema: {...}"), with a JSON object
                of its properties (strings "echo: <first line of the last user message>");
                any other model is HTTP 400 "unknown scripted model"
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
# Model names real projects (compozy's examples) declare: answered as "echo".
REAL_PROJECT_MODELS = {"llama-3.3-70b-versatile", "gpt-4o", "gpt-4o-mini", "openai/gpt-oss-120b"}


def completion(message, finish_reason):
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "model": "fake",
        "choices": [{"index": 0, "message": message, "finish_reason": finish_reason}],
        "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15,
                  "completion_tokens_details": {"reasoning_tokens": 2}},
    }


def text(content):
    return completion({"role": "assistant", "content": content}, "stop")


def tool_call(name, arguments):
    return tool_calls([("call_1", name, arguments)])


def tool_calls(calls):
    calls = [{"id": i, "type": "function", "function": {"name": n, "arguments": json.dumps(a)}}
             for i, n, a in calls]
    return completion({"role": "assistant", "content": None, "tool_calls": calls}, "tool_calls")


def message(blocks, stop_reason):
    return {"id": "msg_fake", "type": "message", "role": "assistant", "model": "fake",
            "content": blocks, "stop_reason": stop_reason,
            "usage": {"input_tokens": 20, "output_tokens": 7}}


def anthropic_answer(body):
    model = body.get("model")
    turns = body.get("messages", [])
    blocks = [b for t in turns if t.get("role") == "user" for b in t.get("content", [])]
    results = [b for b in blocks if b.get("type") == "tool_result"]
    texts = [b.get("text", "") for b in blocks if b.get("type") == "text"]
    if model == "claude-echo":
        return 200, message([{"type": "text", "text": "echo: " + texts[-1]}], "end_turn")
    if model == "claude-tool-add":
        if results:
            return 200, message([{"type": "text", "text": "sum is " + results[-1]["content"]}], "end_turn")
        return 200, message([{"type": "text", "text": "Let me add."},
                             {"type": "tool_use", "id": "toolu_1", "name": "add", "input": {"a": 2, "b": 3}}],
                            "tool_use")
    if model == "claude-parallel":
        if results:
            text = "results: " + "|".join(r["content"] for r in results)
            return 200, message([{"type": "text", "text": text}], "end_turn")
        name = body["tools"][0]["name"]
        return 200, message([{"type": "tool_use", "id": "toolu_a", "name": name, "input": {"n": 1}},
                             {"type": "tool_use", "id": "toolu_b", "name": name, "input": {"n": 2}}], "tool_use")
    if model == "claude-error-529":
        return 529, {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}
    return 400, {"type": "error", "error": {"type": "invalid_request_error",
                                            "message": "unknown scripted model %r" % model}}


SCHEMA_MARKER = "matching this JSON Schema: "


def schema_shaped(messages, last_user):
    """A JSON answer that follows the output schema the agent runner states in a message
    ("... matching this JSON Schema: {...}"): each string property says "echo: <first line of the
    last user message>", numbers are 1, booleans true. None when no message states a schema."""
    for message in reversed(messages):
        content = message.get("content") or ""
        if not isinstance(content, str) or SCHEMA_MARKER not in content:
            continue
        schema, _ = json.JSONDecoder().raw_decode(content.split(SCHEMA_MARKER, 1)[1].strip())
        line = last_user.strip().splitlines()[0] if last_user.strip() else ""
        values = {"string": "echo: " + line, "integer": 1, "number": 1, "boolean": True}
        props = schema.get("properties", {})
        return json.dumps({k: values.get(v.get("type"), "echo: " + line) for k, v in props.items()})
    return None


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
    if model == "parallel":
        if tool_messages:
            return 200, text("results: " + "|".join(m["content"] for m in tool_messages))
        name = body["tools"][0]["function"]["name"]
        return 200, tool_calls([("call_a", name, {"n": 1}), ("call_b", name, {"n": 2})])
    if model == "bad-args":
        if tool_messages:
            return 200, text("fixed: " + tool_messages[-1]["content"])
        return 200, tool_call("add", {"a": "two"})
    if model == "wrong-shape":
        return 200, {"object": "list", "data": []}
    if model in REAL_PROJECT_MODELS:
        shaped = schema_shaped(messages, users[-1])
        return 200, text(shaped if shaped is not None else "echo: " + users[-1])
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
                                  "x_api_key": self.headers.get("x-api-key"),
                                  "anthropic_version": self.headers.get("anthropic-version"),
                                  "organization": self.headers.get("OpenAI-Organization"),
                                  "body": body}) + "\n")
        if body.get("model") == "not-json":
            self.reply(200, b"<html>surprise</html>")
            return
        if body.get("model") == "truncated":
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", "4096")
            self.end_headers()
            self.wfile.write(b'{"choices": [{"message": {"role": "assis')
            self.wfile.flush()
            self.close_connection = True
            return
        if self.path.endswith("/messages"):
            status, payload = anthropic_answer(body)
        else:
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
