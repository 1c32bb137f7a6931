/** First-start tokens: generated once, kept in the data directory (mode 0600), printed once. */
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** 32 random bytes as base64url: 43 characters, never ':' or whitespace, as the manifest requires. */
export function generateToken(): string {
  return randomBytes(32).toString("base64url");
}

export interface StoredToken {
  token: string;
  file: string;
  /** True when this call created the token. */
  created: boolean;
}

export function loadOrCreateToken(dataDir: string, fileName: string): StoredToken {
  const file = join(dataDir, fileName);
  if (existsSync(file)) return { token: readFileSync(file, "utf8").trim(), file, created: false };
  mkdirSync(dataDir, { recursive: true });
  const token = generateToken();
  writeFileSync(file, `${token}\n`, { mode: 0o600, flag: "wx" });
  chmodSync(file, 0o600);
  return { token, file, created: true };
}
