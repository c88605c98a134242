// Switchyard worker: runs compozy-convention tools for the Bun adapter.
// argv: <entrypoint> <pooled|per_call>. Requests: NDJSON on stdin. Responses on stdout, one line
// each: "<id> <p|r|e|a> <byteLength> <json>\n". Everything else goes to stderr.
//
// pooled: the main thread only routes. Each call runs in a worker thread of its own (one call per
// thread at a time; idle threads are kept warm and reused), so `{"abort":id}` (the adapter's
// cancel or timeout) terminates that one thread and no other call; "a" acknowledges it once the
// thread is gone. per_call: the one call runs on the main thread (the process is the call).
import { Worker, isMainThread, parentPort, workerData } from "node:worker_threads";
import { writeSync } from "node:fs";
import { format } from "node:util";

const isBun = typeof Bun !== "undefined";
const isDeno = !isBun && typeof Deno !== "undefined";
// A call thread writes stderr synchronously, so a tool's log is in the pipe before its answer
// (a worker thread's console is buffered and could arrive after the call ended, or be lost).
const stderrLog = isMainThread ? console.error.bind(console) : (...values) => {
  let bytes = Buffer.from(format(...values) + "\n");
  const pause = new Int32Array(new SharedArrayBuffer(4));
  while (bytes.length > 0) {
    try { bytes = bytes.subarray(writeSync(2, bytes)); }
    catch (error) { if (error.code !== "EAGAIN") return; Atomics.wait(pause, 0, 0, 1); }
  }
};
for (const name of ["log", "info", "debug", "dir", "table", "trace", ...(isMainThread ? [] : ["error", "warn"])]) {
  if (typeof console[name] === "function") console[name] = stderrLog;
}
// `process.env` on all three: in a Deno worker thread it is the thread's copy, which
// `Deno.env` is not.
const env = typeof process === "undefined"
  ? { get: (k) => Deno.env.get(k), set: (k, v) => Deno.env.set(k, v), del: (k) => Deno.env.delete(k) }
  : { get: (k) => process.env[k], set: (k, v) => { process.env[k] = v; }, del: (k) => { delete process.env[k]; } };
const encoder = isDeno ? new TextEncoder() : null;
const byteLength = isBun || !isDeno ? (s) => Buffer.byteLength(s) : (s) => encoder.encode(s).length;
const frame = (id, kind, value) => {
  const json = JSON.stringify(value);
  return `${id} ${kind} ${byteLength(json)} ${json}\n`;
};

// Runs one request with `send(kind, value)`; the call's env is set around it (in a worker thread
// the environment is the thread's own copy, so calls on other threads never see it).
async function runCall(tools, importError, request, send) {
  if (importError) return send("e", { kind: "tool_error", message: importError });
  if (request.describe) return send("r", describeTools(tools));
  const fn = tools[request.tool];
  if (!fn) return send("e", unknownTool(request.tool, tools));
  const vars = request.env && typeof request.env === "object" ? Object.entries(request.env) : [];
  const saved = vars.map(([key]) => [key, env.get(key)]);
  for (const [key, value] of vars) env.set(key, String(value));
  let output, failure;
  try {
    const ctx = { toolId: request.tool, progress: (value) => send("p", value ?? null) };
    output = wrap(await fn(request.input ?? {}, request.config ?? {}, ctx));
  } catch (error) {
    failure = thrown(error);
  } finally {
    for (const [key, value] of saved) value === undefined ? env.del(key) : env.set(key, value);
  }
  if (failure) return send("e", failure);
  try { send("r", output); } catch (error) { send("e", unserializable(error)); }
}

async function importTools(entrypoint) {
  try {
    const url = "file://" + entrypoint.split("/").map(encodeURIComponent).join("/");
    return { tools: toolTable(await import(url)), importError: null };
  } catch (error) {
    return { tools: {}, importError: importFailure(entrypoint, error) };
  }
}

if (!isMainThread) {
  // A call thread: imports the entrypoint once, then runs the calls the main thread posts, one
  // at a time, and posts back each response line (`done` on the terminal one).
  const { tools, importError } = await importTools(workerData.entrypoint);
  parentPort.on("message", (request) => {
    const send = (kind, value) => parentPort.postMessage({ line: frame(request.id, kind, value), done: kind !== "p" });
    runCall(tools, importError, request, send).catch((error) => {
      send("e", { kind: "tool_error", message: String(error && error.message || error) });
    });
  });
} else {
  await mainThread();
}

async function mainThread() {
  const args = isBun ? Bun.argv.slice(2) : isDeno ? Deno.args : process.argv.slice(2);
  const entrypoint = args[0];
  const pooled = args[1] === "pooled";
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

  let pending = 0;
  let ended = false;
  let draining = false;
  const finishIfDone = () => {
    if (ended && pending === 0) {
      if (isDeno) Deno.exit(0); else process.exit(0);
    }
  };
  const callEnded = () => { pending--; finishIfDone(); };

  // per_call: the process is the call, so it runs right here.
  const direct = pooled ? null : importTools(entrypoint);
  const runHere = async (request) => {
    const { tools, importError } = await direct;
    await runCall(tools, importError, request, (kind, value) => writeOut(frame(request.id, kind, value)));
  };

  // pooled: call threads. `idle` are warm and free; `busy` maps a call id to its thread.
  const idle = [];
  const busy = new Map();
  const spawnThread = () => {
    const thread = new Worker(new URL(import.meta.url), { workerData: { entrypoint } });
    thread.callID = null;
    thread.on("message", (message) => {
      if (thread.callID === null) return;
      writeOut(message.line);
      if (!message.done) return;
      busy.delete(thread.callID);
      thread.callID = null;
      idle.push(thread);
      callEnded();
    });
    // A thread that ends on its own (process.exit in a tool, an uncaught error) fails its call
    // alone; an aborted thread was taken out of `busy` before it was terminated.
    let failure = null;
    thread.on("error", (error) => { failure = error; });
    thread.on("exit", (code) => {
      const index = idle.indexOf(thread);
      if (index >= 0) idle.splice(index, 1);
      const id = thread.callID;
      if (id === null) return;
      thread.callID = null;
      busy.delete(id);
      writeOut(frame(id, "e", failure
        ? { kind: "tool_error", message: `uncaught in the worker thread: ${failure && failure.message || failure}`, details: failure && failure.stack ? String(failure.stack) : null }
        : { kind: "crashed", message: `the worker thread running the tool exited with status ${code}` }));
      callEnded();
    });
    return thread;
  };
  const runOnThread = (request) => {
    const thread = idle.pop() ?? spawnThread();
    thread.callID = request.id;
    busy.set(request.id, thread);
    thread.postMessage(request);
    // Keep one warm spare so the next call does not wait for a thread to start.
    if (idle.length === 0) idle.push(spawnThread());
  };
  const abort = async (id) => {
    const thread = busy.get(id);
    if (!thread) return;
    busy.delete(id);
    thread.callID = null;
    await thread.terminate();
    writeOut(frame(id, "a", {}));
    callEnded();
  };
  if (pooled) idle.push(spawnThread());

  // stdin closed. After a drain request the adapter is recycling this worker: finish the calls in
  // flight, then exit. Without one the host is gone (killed, crashed): nobody will read answers or
  // stop tools, so the whole process group (this worker leads it) stops now.
  const inputEnded = () => {
    ended = true;
    if (draining) return finishIfDone();
    try { if (isDeno) Deno.kill(-Deno.pid, "SIGKILL"); else process.kill(-process.pid, "SIGKILL"); } catch {}
    if (isDeno) Deno.exit(1); else process.exit(1);
  };
  const dispatch = (line) => {
    if (line.length === 0) return;
    let request;
    try { request = JSON.parse(line); }
    catch (error) {
      const match = /^\{"id":(\d+)/.exec(line);
      if (match) writeOut(frame(match[1], "e", { kind: "protocol", message: `the worker could not parse the request: ${error.message}` }));
      return;
    }
    if (request.drain) { draining = true; return; }
    if (request.abort !== undefined) { abort(request.abort); return; }
    pending++;
    if (pooled) return runOnThread(request);
    runHere(request).catch((error) => {
      try { writeOut(frame(request.id, "e", { kind: "tool_error", message: String(error && error.message || error) })); } catch {}
    }).finally(callEnded);
  };

  let decoder = null;
  let buffered = "";
  const feed = (chunk) => {
    decoder ??= new TextDecoder();
    buffered += decoder.decode(chunk, { stream: true });
    let newline;
    while ((newline = buffered.indexOf("\n")) >= 0) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      dispatch(line);
    }
  };
  if (isBun || isDeno) {
    const stream = isBun ? Bun.stdin.stream() : Deno.stdin.readable;
    for await (const chunk of stream) feed(chunk);
    inputEnded();
  } else {
    process.stdin.on("data", feed);
    process.stdin.on("end", inputEnded);
  }
}
