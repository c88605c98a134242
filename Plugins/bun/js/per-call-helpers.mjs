// The request did not fit the environment: it is the first line on stdin.
export async function requestFromStdin() {
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
// stdin stays open for the whole call; its end means the host is gone.
export async function watchInput(reader = Bun.stdin.stream().getReader()) {
  while (!(await reader.read()).done) {}
  hostGone();
}
// Nobody will read answers or stop tools any more: the process group (this process leads it)
// stops now.
function hostGone() {
  try { process.kill(-process.pid, "SIGKILL"); } catch {}
  process.exit(1);
}
// require() cannot load a module with top-level await (it throws after evaluating it); import()
// finishes loading it. Any other failure is the entrypoint's own.
export async function importAfterRequire(entrypoint, error) {
  if (!(error instanceof TypeError && error.message.includes("async module"))) throw error;
  return await import("file://" + entrypoint.split("/").map(encodeURIComponent).join("/"));
}
// A named export, when the default export is an object that lacks the tool.
export function namedExport(mod, name) {
  const fn = name !== "default" && Object.hasOwn(mod, name) ? mod[name] : null;
  return typeof fn === "function" ? fn : null;
}
export { toolTable, describeTools, importFailure, unknownTool, thrown, unserializable };
