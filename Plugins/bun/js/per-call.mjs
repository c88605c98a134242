// @bun
// Switchyard per-call worker (Bun): one call, then exit. argv: <entrypoint> <helpers module>.
// The request is $SWITCHYARD_REQUEST, or the first line on stdin when that is empty (the
// adapter's stdin stays open for the call's life; its end means the host died). Responses on
// stdout: "<id> <p|r|e> <byteLength> <json>\n". `// @bun` above: Bun runs this file without
// transpiling it, so it is plain JavaScript (`import.meta.require`, not `require`). Everything
// off the fast path lives in the helpers module, loaded only when needed: every KB of code here
// costs start-up time.
const env = process.env;
const inline = env.SWITCHYARD_REQUEST;
delete env.SWITCHYARD_REQUEST;
const stderrLog = console.error.bind(console);
for (const name of ["log", "info", "debug", "dir", "table", "trace"]) console[name] = stderrLog;
const [, , entrypoint, helpersPath] = process.argv;
const helpers = () => import.meta.require(helpersPath);
const request = JSON.parse(inline || await helpers().requestFromStdin());
if (inline) setTimeout(() => helpers().watchInput(), 20);
let written = null;
function send(kind, value) {
  const json = JSON.stringify(value);
  let size = json.length;
  if (size > 4096) size = Buffer.byteLength(json);
  else for (let i = 0; i < json.length; i++) {
    const unit = json.charCodeAt(i);
    if (unit >= 0x80) size += unit < 0x800 || (unit >= 0xd800 && unit <= 0xdfff) ? 1 : 2;
  }
  const line = `${request.id} ${kind} ${size} ${json}\n`;
  written = written ? written.then(() => Bun.write(Bun.stdout, line)) : Bun.write(Bun.stdout, line);
}
let mod = null;
try { mod = import.meta.require(entrypoint); } catch (error) {
  try { mod = await helpers().importAfterRequire(entrypoint, error); }
  catch (failure) { send("e", { kind: "tool_error", message: helpers().importFailure(entrypoint, failure) }); }
}
if (mod !== null) {
  const name = request.tool;
  const source = mod.default && typeof mod.default === "object" ? mod.default : mod;
  const fn = request.describe ? null
    : Object.hasOwn(source, name) && typeof source[name] === "function" ? source[name] : helpers().namedExport(mod, name);
  if (request.describe) send("r", helpers().describeTools(helpers().toolTable(mod)));
  else if (!fn) send("e", helpers().unknownTool(name, helpers().toolTable(mod)));
  else {
    let output, failed = false;
    try {
      output = await fn(request.input ?? {}, request.config ?? {}, { toolId: name, progress: (value) => send("p", value ?? null) });
    } catch (error) {
      failed = true;
      send("e", helpers().thrown(error));
    }
    if (!failed) {
      if (output === null || output === undefined) output = {};
      else if (typeof output !== "object" || Array.isArray(output)) output = { value: output };
      try { send("r", output); } catch (error) { send("e", helpers().unserializable(error)); }
    }
  }
}
await written;
process.exit(0);
