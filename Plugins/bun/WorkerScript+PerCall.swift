extension WorkerScript {
    /// The script a `per_call` Bun process runs: one process, one call, then exit.
    ///
    /// Start-up is the whole cost of a per_call call, so this script does only what one call
    /// needs, in straight-line code (measured: every extra step costs 20–100 µs, and each KB
    /// Bun transpiles ~0.25 ms). It starts with the `// @bun` pragma, so Bun runs it without
    /// transpiling. The request arrives in `$SWITCHYARD_REQUEST` (empty: read it from stdin,
    /// for a request too big for the environment); the call's env is already the process
    /// environment; only the called tool is looked up (the table of all tools is built for
    /// `describe` and unknown tools).
    static let perCallBunSource = #"""
// @bun
// Switchyard per-call worker (Bun). argv: <entrypoint>. The request is $SWITCHYARD_REQUEST, or
// the first line on stdin when that is empty. Responses on stdout: "<id> <p|r|e> <byteLength> <json>\n".
// `// @bun` above tells Bun this file needs no transpiling (it is plain JavaScript), which saves
// ~0.5 ms a call; hence `import.meta.require` rather than `require`.
const env = process.env;
const inline = env.SWITCHYARD_REQUEST;
delete env.SWITCHYARD_REQUEST;
const stderrLog = console.error.bind(console);
for (const name of ["log", "info", "debug", "dir", "table", "trace"]) console[name] = stderrLog;
const request = JSON.parse(inline || await requestFromStdin());
// stdin stays open for the call's life and ends only if the host dies; watched from 20 ms on,
// so a quick call never pays for reading it.
if (inline) setTimeout(() => watchInput(Bun.stdin.stream().getReader()), 20);
let written = null;
function send(kind, value) {
  const json = JSON.stringify(value);
  const line = `${request.id} ${kind} ${Buffer.byteLength(json)} ${json}\n`;
  written = written ? written.then(() => Bun.write(Bun.stdout, line)) : Bun.write(Bun.stdout, line);
}
const entrypoint = Bun.argv[2];
let mod = null;
try { mod = import.meta.require(entrypoint); } catch (error) {
  mod = await importAfterRequire(entrypoint, error).catch((failure) => {
    send("e", { kind: "tool_error", message: importFailure(entrypoint, failure) });
    return null;
  });
}
if (mod !== null) {
  const fn = request.describe ? null : toolNamed(mod, request.tool);
  if (request.describe) send("r", describeTools(toolTable(mod)));
  else if (!fn) send("e", unknownTool(request.tool, toolTable(mod)));
  else {
    let output, failure;
    try {
      const ctx = { toolId: request.tool, progress: (value) => send("p", value ?? null) };
      output = wrap(await fn(request.input ?? {}, request.config ?? {}, ctx));
    } catch (error) {
      failure = thrown(error);
    }
    if (failure) send("e", failure);
    else try { send("r", output); } catch (error) { send("e", unserializable(error)); }
  }
}
await written;
process.exit(0);

// The request did not fit the environment: it is the first line on stdin.
async function requestFromStdin() {
  const reader = Bun.stdin.stream().getReader();
  const decoder = new TextDecoder();
  let text = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) hostGone();
    text += decoder.decode(value, { stream: true });
    const end = text.indexOf("\n");
    if (end >= 0) {
      watchInput(reader);
      return text.slice(0, end);
    }
  }
}
async function watchInput(reader) {
  while (!(await reader.read()).done) {}
  hostGone();
}
// The host is gone: nobody will read answers or stop tools, so the process group (this process
// leads it) stops now.
function hostGone() {
  try { process.kill(-process.pid, "SIGKILL"); } catch {}
  process.exit(1);
}
// require() cannot load a module with top-level await (it throws after evaluating it); import()
// finishes loading it. Any other failure is the entrypoint's own.
async function importAfterRequire(entrypoint, error) {
  if (!(error instanceof TypeError && error.message.includes("async module"))) throw error;
  return await import("file://" + entrypoint.split("/").map(encodeURIComponent).join("/"));
}
// The one tool a call needs, without listing every export.
function toolNamed(mod, name) {
  const source = mod.default && typeof mod.default === "object" ? mod.default : mod;
  if (Object.hasOwn(source, name) && typeof source[name] === "function") return source[name];
  if (source !== mod && name !== "default" && Object.hasOwn(mod, name) && typeof mod[name] === "function") return mod[name];
  return null;
}
"""# + "\n" + sharedFunctions
}
