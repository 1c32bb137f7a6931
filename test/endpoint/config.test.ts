import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bearerToken, tokenChecker } from "../../src/endpoint/auth";
import { ConfigError, DEFAULT_BODY_LIMIT, loadConfig } from "../../src/endpoint/config";
import { DEFAULT_STREAM_BUFFERS } from "../../src/endpoint/streamClients";
import { DEFAULT_TIMEOUTS } from "../../src/endpoint/timeouts";
import { loadOrCreateToken } from "../../src/endpoint/tokens";

describe("loadConfig", () => {
  test("defaults serve out of the box on the embedded SQLite store", () => {
    expect(loadConfig([], {})).toMatchObject({
      port: 8080,
      db: "sqlite:./data/hookrelay.db",
      tokens: [],
      readTokens: [],
      bodyLimitBytes: DEFAULT_BODY_LIMIT,
      sqliteSynchronous: "FULL",
      timeouts: { requestMs: DEFAULT_TIMEOUTS.requestMs, headersMs: DEFAULT_TIMEOUTS.headersMs, keepAliveMs: DEFAULT_TIMEOUTS.keepAliveMs },
    });
  });

  test("timeouts come from the environment or flags, in milliseconds", () => {
    const config = loadConfig(["--keep-alive-timeout-ms", "125000"], { HOOKRELAY_REQUEST_TIMEOUT_MS: "30000", HOOKRELAY_HEADERS_TIMEOUT_MS: "5000" });
    expect(config.timeouts).toEqual({ requestMs: 30_000, headersMs: 5_000, keepAliveMs: 125_000 });
  });

  test("stream buffer limits come from the environment or flags, in bytes", () => {
    expect(loadConfig([], {}).streamBuffers).toEqual(DEFAULT_STREAM_BUFFERS);
    const config = loadConfig(["--stream-client-buffer-bytes", "65536"], { HOOKRELAY_STREAM_TOTAL_BUFFER_BYTES: "8388608" });
    expect(config.streamBuffers).toEqual({ perClientBytes: 65_536, totalBytes: 8_388_608 });
  });

  test("flags override the environment; tokens are comma-separated", () => {
    const config = loadConfig(["--port", "9000", "--tokens", "new-token-0123456789, old-token-0123456789"], {
      PORT: "7000",
      HOOKRELAY_DB: "postgres://db.internal/hooks",
      HOOKRELAY_TOKENS: "ignored-token-0123456789",
      HOOKRELAY_RETENTION_DAYS: "30",
    });
    expect(config).toMatchObject({
      port: 9000,
      db: "postgres://db.internal/hooks",
      tokens: ["new-token-0123456789", "old-token-0123456789"],
      retentionDays: 30,
    });
  });

  test.each([
    [["--port", "eighty"], {}, /--port must be an integer/],
    [[], { HOOKRELAY_TOKENS: "short" }, /token #1 must be at least 16 characters/],
    [[], { HOOKRELAY_READ_TOKENS: "has:colon-0123456789" }, /no spaces or colons/],
    [["--sqlite-synchronous", "OFF"], {}, /FULL or NORMAL/],
    [["--unknown"], {}, /Unknown option/],
    [["--request-timeout-ms", "500"], {}, /--request-timeout-ms must be an integer >= 1000/],
    [[], { HOOKRELAY_REQUEST_TIMEOUT_MS: "5000", HOOKRELAY_HEADERS_TIMEOUT_MS: "8000" }, /must not be longer than --request-timeout-ms/],
  ])("refuses %j %j with a clear message", (argv, env, message) => {
    expect(() => loadConfig(argv as string[], env)).toThrow(ConfigError);
    expect(() => loadConfig(argv as string[], env)).toThrow(message);
  });
});

describe("tokens", () => {
  test("a first-start token is created once, with mode 0600, and reused", () => {
    const dir = mkdtempSync(join(tmpdir(), "hookrelay-token-"));
    try {
      const created = loadOrCreateToken(join(dir, "data"), "ingest-token");
      const again = loadOrCreateToken(join(dir, "data"), "ingest-token");
      expect(created.created).toBe(true);
      expect(again).toEqual({ ...created, created: false });
      expect(created.token).toMatch(/^[^:\s]{16,}$/);
      expect(readFileSync(created.file, "utf8").trim()).toBe(created.token);
      expect(statSync(created.file).mode & 0o777).toBe(0o600);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("bearer checks accept any configured token and nothing else", () => {
    const check = tokenChecker(["first-token-0123456789", "second-token-0123456789"]);
    expect(check(bearerToken("Bearer second-token-0123456789"))).toBe(true);
    expect(check(bearerToken("bearer first-token-0123456789"))).toBe(true);
    expect(check(bearerToken("Bearer first-token-012345678"))).toBe(false);
    expect(check(bearerToken("Basic Zmlyc3Q6dG9rZW4="))).toBe(false);
    expect(check(bearerToken(undefined))).toBe(false);
  });
});
