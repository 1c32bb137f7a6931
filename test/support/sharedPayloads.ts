/** The team's reference copy of Microsoft's sample payloads, beside the repository (../shared/payloads). */
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";

export const sharedPayloadsDirectory = resolve(__dirname, "../../../shared/payloads");

export function requireSharedPayloads(): string {
  if (!existsSync(join(sharedPayloadsDirectory, "README.md"))) {
    throw new Error(`The reference payloads are missing: expected ${sharedPayloadsDirectory} (the shared/ folder beside the repository).`);
  }
  return sharedPayloadsDirectory;
}
