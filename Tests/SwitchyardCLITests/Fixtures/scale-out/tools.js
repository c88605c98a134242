// Tools for the scale-out crash tests: each finished step appends its label to the execution's
// marker file, so a step that ran to its end twice shows twice.
import { appendFileSync } from "node:fs";

/** Sleeps input.ms, then appends input.label to input.file. */
export async function step(input) {
  await new Promise((resume) => setTimeout(resume, Number(input.ms)));
  appendFileSync(input.file, `${input.label}\n`);
  return { label: input.label };
}
