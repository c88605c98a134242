// Switchyard worker: runs compozy-convention tools for the Bun adapter.
// argv: <entrypoint> <pooled|per_call>. Requests: NDJSON on stdin. Responses on stdout, one line
// each: "<id> <p|r|e> <byteLength> <json>\n". Everything else goes to stderr.
const isBun = typeof Bun !== "undefined";
const isDeno = !isBun && typeof Deno !== "undefined";
const args = isBun ? Bun.argv.slice(2) : isDeno ? Deno.args : process.argv.slice(2);
const entrypoint = args[0];
const stderrLog = console.error.bind(console);
for (const name of ["log", "info", "debug", "dir", "table", "trace"]) {
  if (typeof console[name] === "function") console[name] = stderrLog;
}
const encoder = isDeno ? new TextEncoder() : null;
const env = isDeno
  ? { get: (k) => Deno.env.get(k), set: (k, v) => Deno.env.set(k, v), del: (k) => Deno.env.delete(k) }
  : { get: (k) => process.env[k], set: (k, v) => { process.env[k] = v; }, del: (k) => { delete process.env[k]; } };

let writeOut;
if (isBun) {
  const sink = Bun.stdout.writer();
  writeOut = (text) => { sink.write(text); sink.flush(); };
} else if (isDeno) {
  writeOut = (text) => {
    let bytes = encoder.encode(text);
    while (bytes.length > 0) bytes = bytes.subarray(Deno.stdout.writeSync(bytes));
  };
} else {
  const fs = await import("node:fs");
  const pause = new Int32Array(new SharedArrayBuffer(4));
  writeOut = (text) => {
    let bytes = Buffer.from(text);
    while (bytes.length > 0) {
      try { bytes = bytes.subarray(fs.writeSync(1, bytes)); }
      catch (error) { if (error.code !== "EAGAIN") throw error; Atomics.wait(pause, 0, 0, 1); }
    }
  };
}
const byteLength = isBun || !isDeno ? (s) => Buffer.byteLength(s) : (s) => encoder.encode(s).length;
function send(id, kind, value) {
  const json = JSON.stringify(value);
  writeOut(`${id} ${kind} ${byteLength(json)} ${json}\n`);
}

let tools = {};
let importError = null;
try {
  const url = "file://" + entrypoint.split("/").map(encodeURIComponent).join("/");
  tools = toolTable(await import(url));
} catch (error) {
  importError = importFailure(entrypoint, error);
}

let active = 0;
let exclusive = false;
let waiting = [];
async function run(request) {
  const id = request.id;
  if (importError) return send(id, "e", { kind: "tool_error", message: importError });
  if (request.describe) return send(id, "r", describeTools(tools));
  const fn = tools[request.tool];
  if (!fn) return send(id, "e", unknownTool(request.tool, tools));
  const vars = request.env && typeof request.env === "object" ? Object.entries(request.env) : [];
  const needsExclusive = vars.length > 0;
  while (exclusive || (needsExclusive && active > 0)) await new Promise((resume) => waiting.push(resume));
  active++;
  if (needsExclusive) exclusive = true;
  const saved = vars.map(([key]) => [key, env.get(key)]);
  for (const [key, value] of vars) env.set(key, String(value));
  let output, failure;
  try {
    const ctx = { toolId: request.tool, progress: (value) => send(id, "p", value ?? null) };
    output = wrap(await fn(request.input ?? {}, request.config ?? {}, ctx));
  } catch (error) {
    failure = thrown(error);
  } finally {
    for (const [key, value] of saved) value === undefined ? env.del(key) : env.set(key, value);
    active--;
    if (needsExclusive) exclusive = false;
    const resumed = waiting;
    waiting = [];
    for (const resume of resumed) resume();
  }
  if (failure) return send(id, "e", failure);
  try {
    send(id, "r", output);
  } catch (error) {
    send(id, "e", unserializable(error));
  }
}

let pending = 0;
let ended = false;
let draining = false;
function finishIfDone() {
  if (ended && pending === 0) {
    if (isDeno) Deno.exit(0); else process.exit(0);
  }
}
// stdin closed. After a drain request the adapter is recycling this worker: finish the calls in
// flight, then exit. Without one the host is gone (killed, crashed): nobody will read answers or
// stop tools, so the whole process group (this worker leads it) stops now.
function inputEnded() {
  ended = true;
  if (draining) return finishIfDone();
  try { if (isDeno) Deno.kill(-Deno.pid, "SIGKILL"); else process.kill(-process.pid, "SIGKILL"); } catch {}
  if (isDeno) Deno.exit(1); else process.exit(1);
}
function dispatch(line) {
  if (line.length === 0) return;
  let request;
  try { request = JSON.parse(line); }
  catch (error) {
    const match = /^\{"id":(\d+)/.exec(line);
    if (match) send(match[1], "e", { kind: "protocol", message: `the worker could not parse the request: ${error.message}` });
    return;
  }
  if (request.drain) { draining = true; return; }
  pending++;
  run(request).catch((error) => {
    try { send(request.id, "e", { kind: "tool_error", message: String(error && error.message || error) }); } catch {}
  }).finally(() => { pending--; finishIfDone(); });
}

let decoder = null;
let buffered = "";
function feed(chunk) {
  decoder ??= new TextDecoder();
  buffered += decoder.decode(chunk, { stream: true });
  let newline;
  while ((newline = buffered.indexOf("\n")) >= 0) {
    const line = buffered.slice(0, newline);
    buffered = buffered.slice(newline + 1);
    dispatch(line);
  }
}
if (isBun || isDeno) {
  const stream = isBun ? Bun.stdin.stream() : Deno.stdin.readable;
  for await (const chunk of stream) feed(chunk);
  inputEnded();
} else {
  process.stdin.on("data", feed);
  process.stdin.on("end", inputEnded);
}
