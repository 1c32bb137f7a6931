/**
 * The team's reference copy of Microsoft's sample payloads, beside the repository (../shared/payloads).
 * Only the check of the vendored copy reads it; a user's clone has no ../shared.
 */
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";

export const sharedPayloadsDirectory = resolve(__dirname, "../../../shared/payloads");

export function sharedPayloadsPresent(): boolean {
  return existsSync(join(sharedPayloadsDirectory, "README.md"));
}
