/** The official sample payloads shipped in samples/payloads (Node only). */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { GitEventType, HookEvent } from "./events";

/** The folder holding package.json, from the TypeScript sources and from the compiled build/ tree alike. */
function projectRoot(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, "package.json"))) return dir;
    if (dirname(dir) === dir) throw new Error(`No package.json above ${start}`);
  }
}

export const samplesDirectory = join(projectRoot(__dirname), "samples", "payloads");

export function sampleFile(eventType: GitEventType): string {
  return join(samplesDirectory, `${eventType}.json`);
}

export function loadSample<T extends GitEventType>(eventType: T): HookEvent<T> {
  return JSON.parse(readFileSync(sampleFile(eventType), "utf8")) as HookEvent<T>;
}

/** The canned event the portal's Test button sends where the docs publish one (git.push); else the doc sample. */
export function loadTestSample<T extends GitEventType>(eventType: T): HookEvent<T> {
  const testCopy = join(samplesDirectory, "test-notification", `${eventType}.json`);
  const file = existsSync(testCopy) ? testCopy : sampleFile(eventType);
  return JSON.parse(readFileSync(file, "utf8")) as HookEvent<T>;
}
