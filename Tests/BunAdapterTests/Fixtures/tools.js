// Tools for the Bun adapter tests: good ones and every kind of misbehaviour.
import { spawn } from "node:child_process";
import { writeSync } from "node:fs";

// Read while the module loads: per_call gives a call's env to the whole process, import included.
const atImport = process.env.SY_AT_IMPORT ?? null;

export default {
  echo: (input) => input,
  pid: () => ({ pid: process.pid }),
  bigint: () => ({ n: 10n }),
  // Keeps `mb` MiB resident in the worker, then lingers so its RSS is sampled after the call.
  hog: async (input) => {
    const block = new Uint8Array(input.mb * 1024 * 1024).fill(1);
    (globalThis.hoard ??= []).push(block);
    await new Promise((r) => setTimeout(r, 100));
    return { held: globalThis.hoard.length };
  },
  importenv: () => ({ atImport, request: process.env.SWITCHYARD_REQUEST ?? null }),
  length: (input) => ({ length: input.text.length, tail: input.text.slice(-3) }),
  unicode: (input) => ({ text: `héllo ✓ 😀 ${input.suffix ?? ""}`, hyphen: "\u2011" }),
  add: (input) => input.a + input.b,
  list: () => [1, "two", 3],
  nothing: () => null,
  text: () => "plain",
  fail: () => { throw new Error("boom from fail"); },
  envread: (input) => ({ value: process.env[input.key] ?? null }),
  envall: () => ({ env: { ...process.env } }),
  progress: async (input, config, ctx) => {
    ctx.progress({ step: 1 });
    ctx.progress({ step: 2 });
    return { done: true, config };
  },
  sleep: async (input) => { await new Promise((r) => setTimeout(r, input.ms ?? 10)); return { slept: input.ms ?? 10 }; },
  hang: () => new Promise(() => { setInterval(() => {}, 1000); }),
  spin: () => { for (;;) {} },
  exit3: () => { console.error("about to exit 3"); process.exit(3); },
  sigkill: () => { process.kill(process.pid, "SIGKILL"); return new Promise(() => {}); },
  segv: () => { process.kill(process.pid, "SIGSEGV"); return new Promise(() => {}); },
  grandchild: () => {
    const child = spawn("sleep", ["30"], { stdio: ["ignore", "inherit", "inherit"] });
    child.unref();
    return { spawned: child.pid };
  },
  big: (input) => ({ data: "x".repeat(input.bytes ?? 50 * 1024 * 1024) }),
  stderrlines: (input) => {
    for (let i = 0; i < input.lines; i++) console.error(`stderr line ${i} of ${input.lines}`);
    return { lines: input.lines };
  },
  stderrflood: (input) => {
    const line = "e".repeat(1023);
    for (let i = 0; i < (input.lines ?? 4096); i++) console.error(line);
    return { flooded: true };
  },
  garbage: () => { writeSync(1, "this is not the protocol\n"); return new Promise((r) => setTimeout(() => r({}), 200)); },
  badutf8: () => { writeSync(1, new Uint8Array([0xff, 0xfe, 0x41, 0x0a])); return new Promise((r) => setTimeout(() => r({}), 200)); },
};
