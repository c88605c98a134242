// Tools for the kill -9 / resume test: every execution leaves one line in a log file.
import { appendFileSync, existsSync } from "node:fs";

export function append(input) {
  appendFileSync(input.file, `${input.label}\n`);
  return { label: input.label };
}

/** Logs "gate", then holds until the release file exists. */
export async function gate(input) {
  appendFileSync(input.file, "gate\n");
  while (!existsSync(input.release)) await new Promise((resume) => setTimeout(resume, 20));
  return { released: true };
}
