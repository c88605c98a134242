// Tools for the issue #15 hardening tests (items 6, 7, 8): escaping grandchildren, floods.
export default {
  echo: (input) => input,
  sleep: async (input) => { await new Promise((r) => setTimeout(r, input.ms ?? 10)); return { slept: input.ms ?? 10 }; },
  // Starts `sleep <tag>` in a session of its own (out of the process group), then returns,
  // hangs, or waits `ms`.
  escape: async (input) => {
    const child = Bun.spawn(["setsid", "sleep", String(input.tag)], { stdin: "ignore", stdout: "ignore", stderr: "ignore" });
    child.unref();
    await new Promise((r) => setTimeout(r, 100));
    if (input.then === "hang") await new Promise(() => { setInterval(() => {}, 1000); });
    return { spawned: child.pid };
  },
  // Starts `sh -c "sleep <tag>"` in a session of its own through `setsid -f`, whose parent
  // exits at once: the escapee reparents to the host (a subreaper) and exits on its own while
  // the worker lives.
  escapebriefly: async (input) => {
    const child = Bun.spawn(["setsid", "-f", "sh", "-c", `sleep ${input.tag}`], { stdin: "ignore", stdout: "ignore", stderr: "ignore" });
    await child.exited;
    await new Promise((r) => setTimeout(r, 50));
    return { escaped: true };
  },
  // Kills the whole runtime process (pooled: the worker) from inside a call.
  die: () => { process.kill(process.pid, "SIGKILL"); return new Promise(() => {}); },
  progressflood: async (input, config, ctx) => {
    for (let i = 0; i < (input.frames ?? 100_000); i++) ctx.progress({ i });
    return { flooded: true };
  },
  stderrflood: (input) => {
    const line = "e".repeat(1023);
    for (let i = 0; i < (input.lines ?? 4096); i++) console.error(line);
    return { flooded: true };
  },
};
