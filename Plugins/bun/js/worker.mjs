// Switchyard worker: runs compozy-convention tools for the Bun adapter.
// argv: <entrypoint> <pooled|per_call>. Requests: NDJSON on stdin. Responses on stdout, one line
// each: "<id> <p|r|e|a> <byteLength> <json>\n". Everything else goes to stderr.
//
// pooled: the main thread only routes. Each call runs in a worker thread of its own (one call per
// thread at a time; idle threads are kept warm and reused), so `{"abort":id}` (the adapter's
// cancel or timeout) terminates that one thread and no other call; "a" acknowledges it once the
// thread is gone. per_call: the one call runs on the main thread (the process is the call).
//
// The hot path crosses threads once: a call thread writes its own frames of up to
// `atomicWriteLimit` bytes straight to stdout and marks itself idle in shared memory, so the main
// thread does not wake per answer (a postMessage hop and wake-up cost ~25-50 µs per call on a
// loaded machine). Larger frames go through the main thread. See `outputLock`.
import { Worker, isMainThread, parentPort, workerData } from "node:worker_threads";
import { openSync, writeSync, constants as fsConstants } from "node:fs";
import { format } from "node:util";

const isBun = typeof Bun !== "undefined";
const isDeno = !isBun && typeof Deno !== "undefined";
// Writes all of `bytes` to `fd` before it returns (the fd may be non-blocking: Bun makes stdout so).
const pause = new Int32Array(new SharedArrayBuffer(4));
const writeAllSync = (fd, bytes) => {
  while (bytes.length > 0) {
    try { bytes = bytes.subarray(writeSync(fd, bytes)); }
    catch (error) { if (error.code !== "EAGAIN") throw error; Atomics.wait(pause, 0, 0, 1); }
  }
};
// A call thread writes stderr synchronously, so a tool's log is in the pipe before its answer
// (a worker thread's console is buffered and could arrive after the call ended, or be lost).
// Each line starts with the call mark "\x1e<id>\x1f" of the call the thread runs, so the adapter
// logs it as that call's (calls on other threads share the process's stderr); it takes the mark off.
let currentCall = null;
const stderrLog = isMainThread ? console.error.bind(console) : (...values) => {
  let text = format(...values);
  if (currentCall !== null) {
    const mark = `\x1e${currentCall}\x1f`;
    text = mark + (text.includes("\n") ? text.replaceAll("\n", "\n" + mark) : text);
  }
  try { writeAllSync(2, Buffer.from(text + "\n")); } catch {}
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
const frameLine = (id, kind, json) => `${id} ${kind} ${byteLength(json)} ${json}\n`;
const frame = (id, kind, value) => frameLine(id, kind, JSON.stringify(value));
const toBytes = isDeno ? (text) => encoder.encode(text) : (text) => Buffer.from(text);
// A long frame as bytes in a buffer of its own, encoded once without building the line as a
// string first, so the call thread can hand the buffer to the main thread without a copy.
const utf8Encoder = new TextEncoder();
const frameBytes = (id, kind, json) => {
  const length = byteLength(json);
  const header = `${id} ${kind} ${length} `;
  const bytes = new Uint8Array(header.length + length + 1);
  utf8Encoder.encodeInto(header, bytes);
  utf8Encoder.encodeInto(json, bytes.subarray(header.length));
  bytes[bytes.length - 1] = 10;
  return bytes;
};

// stdout is a pipe, and a pipe never splits or interleaves one write(2) of up to PIPE_BUF bytes
// (4096 on Linux), so call threads may write such frames side by side. Only a longer frame, which
// takes several writes, needs the pipe to itself: every writer holds `outputLock` (0 free, else
// the holder's token) while it writes. A call thread holds it for one write at most and writes
// nothing once its `stop` flag is set; the main thread sets that flag and waits for the lock to
// leave the thread before it terminates it, so a terminated thread never leaves half a frame, and
// a lock it still holds afterwards is stale (the main thread takes it over).
const atomicWriteLimit = 4096;
const mainToken = -1;
const SLOT_BUSY = 0; // 1 while the thread has a call whose terminal frame is not written yet
const SLOT_STOP = 1; // 1 once the main thread is stopping the thread
const lockOutput = (lock, token, stale) => {
  for (;;) {
    const holder = Atomics.compareExchange(lock, 0, 0, token);
    if (holder === 0) return;
    if (stale(holder) && Atomics.compareExchange(lock, 0, holder, token) === holder) return;
    Atomics.wait(lock, 0, holder, 1);
  }
};
const unlockOutput = (lock) => { Atomics.store(lock, 0, 0); Atomics.notify(lock, 0); };
// The adapter's call lines start so; pooled, they reach their thread unparsed (a string crosses
// threads cheaper than an object).
const callLine = /^\{"id":(\d+),"tool":/;
const unparsable = (error) => ({ kind: "protocol", message: `the worker could not parse the request: ${error.message}` });

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
  // at a time. It writes a short frame itself (clearing its busy flag with the terminal one, under
  // the lock, so the main thread's exit waits for that write); it posts a longer one to the main
  // thread (`done` on the terminal one), and the call's later frames follow it, to keep their order.
  const { tools, importError } = await importTools(workerData.entrypoint);
  const lock = new Int32Array(workerData.outputLock);
  const slot = new Int32Array(workerData.slot);
  const never = () => false;
  const writeDirect = (line, done) => {
    lockOutput(lock, workerData.token, never);
    try {
      if (Atomics.load(slot, SLOT_STOP) !== 0) return;
      if (done) Atomics.store(slot, SLOT_BUSY, 0);
      writeAllSync(1, toBytes(line));
    } finally {
      unlockOutput(lock);
    }
  };
  parentPort.on("message", (message) => {
    let request, parseError = null;
    try { request = typeof message === "string" ? JSON.parse(message) : message; }
    catch (error) { request = { id: callLine.exec(message)[1] }; parseError = error; }
    currentCall = request.id;
    let relayed = false;
    let finished = false;
    const send = (kind, value) => {
      if (finished) return; // a tool's late progress after its result
      const json = JSON.stringify(value);
      const done = kind !== "p";
      finished = done;
      if (json.length <= atomicWriteLimit) {
        const line = frameLine(request.id, kind, json);
        // (UTF-8 takes at most 3 bytes per UTF-16 unit: most frames skip the count.)
        if (!relayed && (line.length * 3 <= atomicWriteLimit || byteLength(line) <= atomicWriteLimit)) {
          return writeDirect(line, done);
        }
        relayed = true;
        return parentPort.postMessage({ line, done });
      }
      relayed = true;
      // Transferred, not copied: the buffer moves to the main thread.
      const bytes = frameBytes(request.id, kind, json);
      parentPort.postMessage({ bytes, done }, [bytes.buffer]);
    };
    if (parseError) return send("e", unparsable(parseError));
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
  // Synchronous, whole frames, under the output lock (call threads write beside it). A stale
  // lock (its thread was silenced for a stop, or is gone) is taken over.
  const outputLock = new Int32Array(new SharedArrayBuffer(4));
  // Bun makes fd 1 non-blocking, and waiting out each EAGAIN in a 1 ms sleep would let a long
  // frame through at one pipe-full per millisecond. The main thread writes through a blocking
  // descriptor of its own for the same pipe instead (it blocked in the write loop anyway).
  const blockingOut = (() => {
    if (isDeno) return 1;
    try { return openSync("/proc/self/fd/1", fsConstants.O_WRONLY); } catch { return 1; }
  })();
  const staleTokens = new Set();
  const isStale = (token) => staleTokens.has(token);
  const writeOut = (frame) => {
    const bytes = typeof frame === "string" ? toBytes(frame) : frame;
    lockOutput(outputLock, mainToken, isStale);
    try { writeAllSync(blockingOut, bytes); } finally { unlockOutput(outputLock); }
  };

  let pending = 0;
  let ended = false;
  let draining = false;
  const finishIfDone = () => {
    if (!ended || pending > 0 || (reclaim(), busy.size > 0) || stopping > 0) return;
    // A call thread that cleared its busy flag may still be writing its last frame: the lock waits.
    lockOutput(outputLock, mainToken, isStale);
    if (isDeno) Deno.exit(0); else process.exit(0);
  };
  const callEnded = () => { pending--; finishIfDone(); };

  // per_call: the process is the call, so it runs right here.
  const direct = pooled ? null : importTools(entrypoint);
  const runHere = async (request) => {
    const { tools, importError } = await direct;
    await runCall(tools, importError, request, (kind, value) => writeOut(frame(request.id, kind, value)));
  };

  // pooled: call threads. `idle` are warm and free; `busy` maps a call id to its thread until the
  // thread's busy flag is seen clear (`reclaim`, on the next dispatch, abort or exit check).
  const idle = [];
  const busy = new Map();
  let stopping = 0;
  let nextToken = 1;
  const reclaim = () => {
    for (const [id, thread] of busy) {
      if (Atomics.load(thread.slot, SLOT_BUSY) !== 0) continue;
      busy.delete(id);
      thread.callID = null;
      idle.push(thread);
    }
  };
  const releaseLockOf = (thread) => {
    if (Atomics.compareExchange(outputLock, 0, thread.token, 0) === thread.token) Atomics.notify(outputLock, 0);
    staleTokens.delete(thread.token);
  };
  const spawnThread = () => {
    const token = nextToken++;
    const slotMemory = new SharedArrayBuffer(8);
    const thread = new Worker(new URL(import.meta.url), {
      workerData: { entrypoint, token, slot: slotMemory, outputLock: outputLock.buffer },
    });
    thread.token = token;
    thread.slot = new Int32Array(slotMemory);
    thread.callID = null;
    thread.stopping = false;
    // A frame too long to write from the thread.
    thread.on("message", (message) => {
      if (thread.stopping) return;
      writeOut(message.bytes ?? message.line);
      if (message.done) Atomics.store(thread.slot, SLOT_BUSY, 0);
      finishIfDone();
    });
    // A thread that ends on its own (process.exit in a tool, an uncaught error) fails its call
    // alone, unless the call had already answered; a stopped thread is handled by `abort`.
    let failure = null;
    thread.on("error", (error) => { failure = error; });
    thread.on("exit", (code) => {
      staleTokens.add(thread.token);
      releaseLockOf(thread);
      const index = idle.indexOf(thread);
      if (index >= 0) idle.splice(index, 1);
      const id = thread.callID;
      if (thread.stopping || id === null) return;
      thread.callID = null;
      busy.delete(id);
      if (Atomics.load(thread.slot, SLOT_BUSY) !== 0) {
        writeOut(frame(id, "e", failure
          ? { kind: "tool_error", message: `uncaught in the worker thread: ${failure && failure.message || failure}`, details: failure && failure.stack ? String(failure.stack) : null }
          : { kind: "crashed", message: `the worker thread running the tool exited with status ${code}` }));
      }
      finishIfDone();
    });
    return thread;
  };
  const runOnThread = (id, message) => {
    reclaim();
    const thread = idle.pop() ?? spawnThread();
    thread.callID = id;
    Atomics.store(thread.slot, SLOT_BUSY, 1);
    busy.set(id, thread);
    thread.postMessage(message);
    // Keep one warm spare so the next call does not wait for a thread to start.
    if (idle.length === 0) idle.push(spawnThread());
  };
  const abort = async (id) => {
    reclaim();
    const thread = busy.get(id);
    if (!thread) return; // it already answered: that answer is the acknowledgement
    busy.delete(id);
    thread.stopping = true;
    stopping++;
    // Silence the thread, and let a frame it is writing now (one write) finish first.
    Atomics.store(thread.slot, SLOT_STOP, 1);
    while (Atomics.load(outputLock, 0) === thread.token) Atomics.wait(outputLock, 0, thread.token, 1);
    staleTokens.add(thread.token);
    await thread.terminate();
    releaseLockOf(thread);
    writeOut(frame(id, "a", {}));
    stopping--;
    finishIfDone();
  };
  if (pooled) idle.push(spawnThread());

  // stdin closed. After a drain request the adapter is recycling this worker: finish the calls in
  // flight, then exit. Without one the host is gone (killed, crashed): nobody will read answers or
  // stop tools, so the whole process group (this worker leads it) stops now.
  const inputEnded = () => {
    ended = true;
    if (draining) {
      // Call threads answer without waking this thread, so it looks for the last one.
      if (pooled) setInterval(finishIfDone, 2);
      return finishIfDone();
    }
    try { if (isDeno) Deno.kill(-Deno.pid, "SIGKILL"); else process.kill(-process.pid, "SIGKILL"); } catch {}
    if (isDeno) Deno.exit(1); else process.exit(1);
  };
  const dispatch = (line) => {
    if (line.length === 0) return;
    const call = pooled ? callLine.exec(line) : null;
    if (call) return runOnThread(Number(call[1]), line);
    let request;
    try { request = JSON.parse(line); }
    catch (error) {
      const match = /^\{"id":(\d+)/.exec(line);
      if (match) writeOut(frame(match[1], "e", unparsable(error)));
      return;
    }
    if (request.drain) { draining = true; return; }
    if (request.abort !== undefined) { abort(request.abort); return; }
    if (pooled) return runOnThread(request.id, request);
    pending++;
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
