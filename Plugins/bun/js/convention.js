// The tools of a module: `default { tool_id: fn }`, or named function exports.
function toolTable(mod) {
  const source = mod.default && typeof mod.default === "object" ? mod.default : mod;
  const tools = {};
  for (const [name, fn] of Object.entries(source)) if (typeof fn === "function") tools[name] = fn;
  if (source !== mod) {
    for (const [name, fn] of Object.entries(mod)) if (name !== "default" && typeof fn === "function" && !(name in tools)) tools[name] = fn;
  }
  return tools;
}
function describeTools(tools) {
  return Object.keys(tools).sort().map((name) => ({ id: name, description: tools[name].description ?? "", input: null, output: null }));
}
// An object is the output itself, null/undefined is {}, anything else is {"value": x}.
function wrap(value) {
  if (value === null || value === undefined) return {};
  if (typeof value === "object" && !Array.isArray(value)) return value;
  return { value };
}
function importFailure(entrypoint, error) {
  return `cannot import entrypoint ${entrypoint}: ${error && error.stack ? error.stack : error}`;
}
function unknownTool(name, tools) {
  return { kind: "not_found", message: `unknown tool "${name}"; available: ${Object.keys(tools).sort().join(", ")}` };
}
function thrown(error) {
  return {
    kind: "tool_error",
    message: error && error.message !== undefined ? String(error.message) : String(error),
    details: error && error.stack ? String(error.stack) : null,
  };
}
function unserializable(error) {
  return { kind: "tool_error", message: `cannot serialize the output: ${error && error.message}` };
}
