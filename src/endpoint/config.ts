/** Endpoint configuration from the environment, overridden by matching command-line flags. */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import type { SqliteSynchronous } from "./store/sqlite";
import { DEFAULT_STREAM_BUFFERS, type StreamBuffers } from "./streamClients";
import { DEFAULT_TIMEOUTS, type ServerTimeouts } from "./timeouts";

export interface EndpointConfig {
  port: number;
  host: string;
  /** sqlite:<path> or postgres://… */
  db: string;
  /** Where generated tokens (and the default SQLite file) live. */
  dataDir: string;
  /** Tokens accepted on POST /hooks; empty means "generate one on first start". */
  tokens: string[];
  /** Tokens accepted on the read API; empty means "generate one on first start". */
  readTokens: string[];
  bodyLimitBytes: number;
  retentionDays?: number;
  retentionMaxRows?: number;
  sqliteSynchronous: SqliteSynchronous;
  logLevel: string;
  /** PEM files to serve https directly; undefined serves http (e.g. behind a TLS-terminating proxy). */
  tls?: { certFile: string; keyFile: string };
  timeouts: Required<Pick<ServerTimeouts, "requestMs" | "headersMs" | "keepAliveMs">>;
  streamBuffers: StreamBuffers;
  /** Reconciliation with Azure DevOps (../reconcile); undefined unless HOOKRELAY_ADO_URL is set. */
  reconcile?: ReconcileConfig;
}

export interface ReconcileConfig {
  organizationUrl: string;
  /** A personal access token with Code (Read); never logged. */
  token: string;
  /** URL prefixes Azure DevOps delivers to: a subscription whose URL starts with one delivers here. */
  publicUrls: string[];
  intervalMs: number;
  windowMs: number;
}

export class ConfigError extends Error {
  override name = "ConfigError";
}

/** Each setting: its environment variable and its flag. */
const SETTINGS = {
  port: { env: "PORT", flag: "port" },
  host: { env: "HOST", flag: "host" },
  db: { env: "HOOKRELAY_DB", flag: "db" },
  dataDir: { env: "HOOKRELAY_DATA_DIR", flag: "data-dir" },
  tokens: { env: "HOOKRELAY_TOKENS", flag: "tokens" },
  readTokens: { env: "HOOKRELAY_READ_TOKENS", flag: "read-tokens" },
  bodyLimit: { env: "HOOKRELAY_BODY_LIMIT", flag: "body-limit" },
  retentionDays: { env: "HOOKRELAY_RETENTION_DAYS", flag: "retention-days" },
  retentionMaxRows: { env: "HOOKRELAY_RETENTION_MAX_ROWS", flag: "retention-max-rows" },
  sqliteSynchronous: { env: "HOOKRELAY_SQLITE_SYNCHRONOUS", flag: "sqlite-synchronous" },
  logLevel: { env: "HOOKRELAY_LOG_LEVEL", flag: "log-level" },
  tlsCert: { env: "HOOKRELAY_TLS_CERT", flag: "tls-cert" },
  tlsKey: { env: "HOOKRELAY_TLS_KEY", flag: "tls-key" },
  requestTimeout: { env: "HOOKRELAY_REQUEST_TIMEOUT_MS", flag: "request-timeout-ms" },
  headersTimeout: { env: "HOOKRELAY_HEADERS_TIMEOUT_MS", flag: "headers-timeout-ms" },
  keepAliveTimeout: { env: "HOOKRELAY_KEEP_ALIVE_TIMEOUT_MS", flag: "keep-alive-timeout-ms" },
  streamClientBuffer: { env: "HOOKRELAY_STREAM_CLIENT_BUFFER_BYTES", flag: "stream-client-buffer-bytes" },
  streamTotalBuffer: { env: "HOOKRELAY_STREAM_TOTAL_BUFFER_BYTES", flag: "stream-total-buffer-bytes" },
  adoUrl: { env: "HOOKRELAY_ADO_URL", flag: "ado-url" },
  adoToken: { env: "HOOKRELAY_ADO_TOKEN", flag: "ado-token" },
  adoTokenFile: { env: "HOOKRELAY_ADO_TOKEN_FILE", flag: "ado-token-file" },
  publicUrl: { env: "HOOKRELAY_PUBLIC_URL", flag: "public-url" },
  reconcileInterval: { env: "HOOKRELAY_RECONCILE_INTERVAL_S", flag: "reconcile-interval-s" },
  reconcileWindow: { env: "HOOKRELAY_RECONCILE_WINDOW_H", flag: "reconcile-window-h" },
} as const;

export const DEFAULT_BODY_LIMIT = 4 * 1024 * 1024;
/** The manifest's token input: at least 16 characters, no spaces or colons. */
const TOKEN_PATTERN = /^[^:\s]{16,}$/;

export function usage(): string {
  const lines = Object.values(SETTINGS).map(({ env, flag }) => `  --${flag.padEnd(20)} or ${env}`);
  return `Usage: npm start -- [options]\n${lines.join("\n")}`;
}

export function loadConfig(argv: string[], env: NodeJS.ProcessEnv): EndpointConfig {
  const options = Object.fromEntries(Object.values(SETTINGS).map(({ flag }) => [flag, { type: "string" as const }]));
  let flags: Record<string, string | undefined>;
  try {
    flags = parseArgs({ args: argv, options, allowPositionals: false, strict: true }).values as Record<string, string | undefined>;
  } catch (error) {
    throw new ConfigError(`${(error as Error).message}\n${usage()}`);
  }
  const read = (key: keyof typeof SETTINGS): string | undefined => {
    const value = flags[SETTINGS[key].flag] ?? env[SETTINGS[key].env];
    return value === undefined || value.trim() === "" ? undefined : value.trim();
  };
  const dataDir = read("dataDir") ?? "./data";
  return {
    port: integer(read("port"), "port", 8080, 0),
    host: read("host") ?? "127.0.0.1",
    db: read("db") ?? "sqlite:./data/hookrelay.db",
    dataDir,
    tokens: tokenList(read("tokens"), "tokens"),
    readTokens: tokenList(read("readTokens"), "read-tokens"),
    bodyLimitBytes: integer(read("bodyLimit"), "body-limit", DEFAULT_BODY_LIMIT, 1024),
    retentionDays: optionalNumber(read("retentionDays"), "retention-days"),
    retentionMaxRows: optionalNumber(read("retentionMaxRows"), "retention-max-rows"),
    sqliteSynchronous: synchronous(read("sqliteSynchronous")),
    logLevel: read("logLevel") ?? "info",
    tls: tlsFiles(read("tlsCert"), read("tlsKey")),
    timeouts: timeouts(
      integer(read("requestTimeout"), "request-timeout-ms", DEFAULT_TIMEOUTS.requestMs, 1000),
      integer(read("headersTimeout"), "headers-timeout-ms", DEFAULT_TIMEOUTS.headersMs, 1000),
      integer(read("keepAliveTimeout"), "keep-alive-timeout-ms", DEFAULT_TIMEOUTS.keepAliveMs, 1000),
    ),
    streamBuffers: {
      perClientBytes: integer(read("streamClientBuffer"), "stream-client-buffer-bytes", DEFAULT_STREAM_BUFFERS.perClientBytes, 1024),
      totalBytes: integer(read("streamTotalBuffer"), "stream-total-buffer-bytes", DEFAULT_STREAM_BUFFERS.totalBytes, 1024),
    },
    reconcile: reconcileConfig(read),
  };
}

export const DEFAULT_RECONCILE_INTERVAL_S = 300;
export const DEFAULT_RECONCILE_WINDOW_H = 168;

function reconcileConfig(read: (key: keyof typeof SETTINGS) => string | undefined): ReconcileConfig | undefined {
  const url = read("adoUrl");
  if (url === undefined) {
    const stray = (["adoToken", "adoTokenFile", "publicUrl"] as const).find((key) => read(key) !== undefined);
    if (stray) throw new ConfigError(`--${SETTINGS[stray].flag} needs --ado-url (HOOKRELAY_ADO_URL), the organization to reconcile with.`);
    return undefined;
  }
  const publicUrls = (read("publicUrl") ?? "").split(",").map((u) => u.trim()).filter((u) => u.length > 0);
  if (publicUrls.length === 0) {
    throw new ConfigError("--public-url (HOOKRELAY_PUBLIC_URL) is required with --ado-url: the URL(s) Azure DevOps delivers to, so the endpoint knows its subscriptions.");
  }
  return {
    organizationUrl: organizationUrl(url),
    token: adoToken(read("adoToken"), read("adoTokenFile")),
    publicUrls: publicUrls.map((u) => checkedUrl(u, "public-url")),
    intervalMs: integer(read("reconcileInterval"), "reconcile-interval-s", DEFAULT_RECONCILE_INTERVAL_S, 1) * 1000,
    windowMs: integer(read("reconcileWindow"), "reconcile-window-h", DEFAULT_RECONCILE_WINDOW_H, 1) * 3600 * 1000,
  };
}

function checkedUrl(value: string, name: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`--${name} must be a URL, got "${value}".`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw new ConfigError(`--${name} must be an https:// URL, got "${value}".`);
  return value;
}

/** https, or http on loopback only: the token goes with every call. */
function organizationUrl(value: string): string {
  const url = new URL(checkedUrl(value, "ado-url"));
  const loopback = ["127.0.0.1", "localhost", "[::1]"].includes(url.hostname);
  if (url.protocol === "http:" && !loopback) {
    throw new ConfigError(`--ado-url must be https:// (http:// only for 127.0.0.1 or localhost): the access token is sent with every call.`);
  }
  return value;
}

/** The token itself, or the first line of the file that holds it; the value never appears in a message. */
function adoToken(token: string | undefined, file: string | undefined): string {
  if (token !== undefined && file !== undefined) throw new ConfigError("Give --ado-token or --ado-token-file (HOOKRELAY_ADO_TOKEN or HOOKRELAY_ADO_TOKEN_FILE), not both.");
  if (token !== undefined) return token;
  if (file === undefined) throw new ConfigError("--ado-url needs a personal access token with Code (Read): --ado-token or --ado-token-file (HOOKRELAY_ADO_TOKEN, HOOKRELAY_ADO_TOKEN_FILE).");
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new ConfigError(`Cannot read --ado-token-file ${file}: ${(error as NodeJS.ErrnoException).code ?? "error"}.`);
  }
  const fromFile = text.split(/\r?\n/)[0].trim();
  if (fromFile === "") throw new ConfigError(`--ado-token-file ${file} is empty.`);
  return fromFile;
}

/** Node refuses a headers timeout longer than the request timeout; say so at start rather than fail later. */
function timeouts(requestMs: number, headersMs: number, keepAliveMs: number): EndpointConfig["timeouts"] {
  if (headersMs > requestMs) {
    throw new ConfigError(`--headers-timeout-ms (${headersMs}) must not be longer than --request-timeout-ms (${requestMs}).`);
  }
  return { requestMs, headersMs, keepAliveMs };
}

function tlsFiles(certFile: string | undefined, keyFile: string | undefined): EndpointConfig["tls"] {
  if (certFile === undefined && keyFile === undefined) return undefined;
  if (certFile === undefined || keyFile === undefined) {
    throw new ConfigError("--tls-cert and --tls-key (HOOKRELAY_TLS_CERT, HOOKRELAY_TLS_KEY) go together: set both PEM files to serve https, or neither.");
  }
  return { certFile, keyFile };
}

function integer(value: string | undefined, name: string, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < min) throw new ConfigError(`--${name} must be an integer >= ${min}, got "${value}".`);
  return n;
}

function optionalNumber(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new ConfigError(`--${name} must be a positive number, got "${value}".`);
  return n;
}

function tokenList(value: string | undefined, name: string): string[] {
  const tokens = (value ?? "").split(",").map((t) => t.trim()).filter((t) => t.length > 0);
  tokens.forEach((token, i) => {
    if (!TOKEN_PATTERN.test(token)) {
      throw new ConfigError(`--${name}: token #${i + 1} must be at least 16 characters with no spaces or colons.`);
    }
  });
  return tokens;
}

function synchronous(value: string | undefined): SqliteSynchronous {
  const level = (value ?? "FULL").toUpperCase();
  if (level !== "FULL" && level !== "NORMAL") throw new ConfigError(`--sqlite-synchronous must be FULL or NORMAL, got "${value}".`);
  return level;
}
