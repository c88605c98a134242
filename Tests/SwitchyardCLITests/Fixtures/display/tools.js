import { existsSync } from "node:fs";
import { execSync } from "node:child_process";
export async function work(input, config, ctx) {
  for (let i = 1; i <= 3; i++) {
    console.error(`step ${i} of ${input.label}`);
    ctx.progress({ message: `step ${i}/3` });
    await new Promise((r) => setTimeout(r, input.ms ?? 50));
  }
  return { label: input.label };
}
export async function hold(input) {
  console.error("holding until " + input.release);
  while (!existsSync(input.release)) await new Promise((r) => setTimeout(r, 20));
  return { released: true };
}

/** Blocks in native code (a synchronous child process), which a cancel cannot interrupt: the
 * adapter stops the worker only after its kill grace, so a cancel stays under way a while. */
export function stubborn(input) {
  if (existsSync(input.release)) return { released: true };
  console.error("stubborn: blocking");
  execSync("sleep 30");
  return {};
}
