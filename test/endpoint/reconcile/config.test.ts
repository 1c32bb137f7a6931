/** Reconciliation's settings: all optional, checked at start, the token never in a message. */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError, loadConfig } from "../../../src/endpoint/config";

const TOKEN = "a-personal-access-token-52chars";
const required = { HOOKRELAY_ADO_URL: "https://dev.azure.com/fabrikam", HOOKRELAY_ADO_TOKEN: TOKEN, HOOKRELAY_PUBLIC_URL: "https://relay.example.com/" };

function refusal(argv: string[], env: NodeJS.ProcessEnv): string {
  try {
    loadConfig(argv, env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error("the configuration was accepted");
}

test("without an organization URL the endpoint does not reconcile", () => {
  expect(loadConfig([], {}).reconcile).toBeUndefined();
});

test("defaults: every 300 s over the last 168 h; public URLs are a comma-separated list", () => {
  const config = loadConfig([], { ...required, HOOKRELAY_PUBLIC_URL: "https://relay.example.com/, https://backup.example.com/relay/" });
  expect(config.reconcile).toEqual({
    organizationUrl: "https://dev.azure.com/fabrikam",
    token: TOKEN,
    publicUrls: ["https://relay.example.com/", "https://backup.example.com/relay/"],
    intervalMs: 300_000,
    windowMs: 168 * 3600 * 1000,
  });
});

test("flags override the environment", () => {
  const config = loadConfig(["--reconcile-interval-s", "60", "--reconcile-window-h", "24", "--ado-url", "http://127.0.0.1:3000/fabrikam"], required);
  expect(config.reconcile).toMatchObject({ organizationUrl: "http://127.0.0.1:3000/fabrikam", intervalMs: 60_000, windowMs: 24 * 3600 * 1000 });
});

test("the token may come from a file: its first line", () => {
  const dir = mkdtempSync(join(tmpdir(), "hookrelay-ado-token-"));
  try {
    const file = join(dir, "pat");
    writeFileSync(file, `${TOKEN}\n`);
    const { HOOKRELAY_ADO_TOKEN: _unused, ...env } = required;
    expect(loadConfig([], { ...env, HOOKRELAY_ADO_TOKEN_FILE: file }).reconcile?.token).toBe(TOKEN);
    expect(refusal([], { ...env, HOOKRELAY_ADO_TOKEN_FILE: join(dir, "missing") })).toContain("Cannot read --ado-token-file");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("what is missing or unsafe is refused clearly, never echoing the token", () => {
  const { HOOKRELAY_ADO_TOKEN: _token, ...withoutToken } = required;
  const { HOOKRELAY_PUBLIC_URL: _url, ...withoutPublicUrl } = required;
  const messages = [
    refusal([], withoutToken),
    refusal([], withoutPublicUrl),
    refusal([], { ...required, HOOKRELAY_ADO_URL: "http://dev.azure.com/fabrikam" }),
    refusal([], { ...required, HOOKRELAY_ADO_TOKEN_FILE: "/somewhere" }),
    refusal([], { HOOKRELAY_ADO_TOKEN: TOKEN }),
    refusal([], { ...required, HOOKRELAY_RECONCILE_INTERVAL_S: "0" }),
  ];
  expect(messages[0]).toContain("personal access token");
  expect(messages[1]).toContain("--public-url");
  expect(messages[2]).toContain("https://");
  expect(messages[3]).toContain("not both");
  expect(messages[4]).toContain("needs --ado-url");
  for (const message of messages) expect(message).not.toContain(TOKEN);
});
