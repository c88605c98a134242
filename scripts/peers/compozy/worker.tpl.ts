#!/usr/bin/env bun
// The per-call Bun worker of compozy's v0 engine, rewritten step for step (not copied) from
// compozy/compozy engine/runtime/bun/worker.tpl.ts at commit
// c3a917490484df6c3ac323816f745ff352cafa11, which engine/runtime/bun_manager.go (commit
// 1f337f2f0b3fd10d687a5b831491b5e27a506a5d) embeds, writes to PROJECT/.compozy/bun_worker.ts with
// {{.EntrypointPath}} replaced, and runs once per tool call as
// `bun --smol run --allow-net --allow-env --allow-read .compozy/bun_worker.ts` in the project
// directory, the request JSON on stdin and the response JSON read from stdout until EOF.
// What one call pays, in compozy's order: the process start, importing the entrypoint, console
// methods rerouted to stderr, all of stdin read and parsed, tool_id checked, the request's env
// checked and applied, the tool looked up in the default export (else the named exports), run
// under a timeout, and {result, error, metadata} written to stdout; env restored at the end.
// Switchyard's switchyard-bench `peers` suite (Sources/switchyard-bench/PeerBench*.swift) drives it.
import * as entrypoint from "{{.EntrypointPath}}";

type ToolRequest = {
  tool_id: string;
  tool_exec_id: string;
  input: unknown;
  env: Record<string, string>;
  timeout_ms?: number;
};

const writeError = console.error;
for (const [method, tag] of [["log", "LOG"], ["debug", "DEBUG"], ["info", "INFO"], ["warn", "WARN"], ["error", "ERROR"]] as const) {
  console[method] = (...args: unknown[]) => writeError(`[${tag}]`, ...args);
}

const forbiddenEnv = new Set(["LD_PRELOAD", "LD_LIBRARY_PATH", "DYLD_INSERT_LIBRARIES", "DYLD_LIBRARY_PATH",
  "NODE_OPTIONS", "BUN_CONFIG_PROFILE"]);

function toolIdIsSafe(id: string): boolean {
  return /^[a-zA-Z0-9_\/.-]+$/.test(id) && !id.includes("..") && !id.startsWith("/");
}

function failure(message: string, name: string, toolId: string, execId: string, stack?: string) {
  return { result: null, error: { message, stack, name, tool_id: toolId, tool_exec_id: execId,
    timestamp: new Date().toISOString() } };
}

function withTimeout<T>(run: () => T | Promise<T>, milliseconds: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Tool execution timed out after ${milliseconds}ms`)), milliseconds);
    Promise.resolve(run()).then(
      (value) => { clearTimeout(timer); resolve(value); },
      (error) => { clearTimeout(timer); reject(error); });
  });
}

async function main() {
  let text: string;
  try {
    text = await Bun.stdin.text();
  } catch (error) {
    writeError("Failed to read from stdin:", error);
    process.exit(1);
  }
  let request: ToolRequest;
  try {
    request = JSON.parse(text.trim());
  } catch (error) {
    writeError("Failed to parse JSON input:", error);
    process.stdout.write(JSON.stringify(failure("Invalid JSON input", "ParseError", "", "")));
    process.exit(1);
  }
  const { tool_id: toolId, tool_exec_id: execId, input, env, timeout_ms: timeoutMs } = request;
  if (!toolId || typeof toolId !== "string" || !toolIdIsSafe(toolId)) {
    process.stdout.write(JSON.stringify(failure(
      "Invalid tool_id: must be a non-empty string without directory traversal", "ValidationError",
      toolId || "", execId || "")));
    process.exit(1);
  }

  const savedEnv = { ...process.env };
  const addedKeys = new Set<string>();
  for (const [key, value] of Object.entries(env && typeof env === "object" ? env : {})) {
    if (typeof value !== "string") continue;
    if (!/^[A-Z0-9_]+$/.test(key)) throw new Error(`Invalid environment variable name: ${key}`);
    if (/[\n\r\0]/.test(value)) throw new Error(`Environment variable ${key} contains invalid characters`);
    if (forbiddenEnv.has(key)) throw new Error(`Environment variable ${key} is not allowed for security reasons`);
    if (!(key in savedEnv)) addedKeys.add(key);
    process.env[key] = value;
  }

  const started = Date.now();
  try {
    const exported = entrypoint as Record<string, unknown>;
    let tools: Record<string, unknown>;
    if (exported.default && typeof exported.default === "object") {
      tools = exported.default as Record<string, unknown>;
    } else {
      const { default: _ignored, ...named } = exported;
      tools = named;
    }
    const tool = tools[toolId];
    if (typeof tool !== "function") {
      const available = Object.keys(tools).filter((name) => typeof tools[name] === "function");
      throw new Error(`Tool ${toolId} not found in entrypoint exports. Available tools: ${available.join(", ") || "none"}`);
    }
    const result = await withTimeout(() => tool(input), timeoutMs || 60000);
    process.stdout.write(JSON.stringify({ result, error: null,
      metadata: { tool_id: toolId, tool_exec_id: execId, execution_time: Date.now() - started } }));
  } catch (error) {
    const known = error instanceof Error;
    process.stdout.write(JSON.stringify(failure(known ? error.message : String(error),
      known ? error.name : "UnknownError", toolId, execId, known ? error.stack : undefined)));
  } finally {
    try {
      for (const key of addedKeys) delete process.env[key];
      for (const [key, value] of Object.entries(savedEnv)) {
        if (!addedKeys.has(key) && process.env[key] !== value) process.env[key] = value;
      }
    } catch (error) {
      writeError("Error during environment cleanup:", error);
    }
  }
}

main().catch((error) => {
  writeError("Fatal error:", error);
  process.exit(1);
});
