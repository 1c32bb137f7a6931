/** The endpoint serving https itself: HOOKRELAY_TLS_CERT / HOOKRELAY_TLS_KEY, both or neither. */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { request } from "node:https";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { ConfigError, loadConfig } from "../../src/endpoint/config";
import { generateLocalCertificate, type LocalCertificate } from "../../src/devhost/host/tls";
import { loadSample } from "./helpers";

const MAIN = resolve(__dirname, "../../build/src/endpoint/main.js");
const INGEST = "tls-ingest-token-0123456789abcd";
const READ = "tls-read-token-0123456789abcdef";

let dir: string;
let certificate: LocalCertificate;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "hookrelay-tls-"));
  certificate = generateLocalCertificate(dir);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test("TLS needs both a certificate and a key, from the environment or flags", () => {
  const files = { HOOKRELAY_TLS_CERT: certificate.certFile, HOOKRELAY_TLS_KEY: certificate.keyFile };
  expect(loadConfig([], files).tls).toEqual({ certFile: certificate.certFile, keyFile: certificate.keyFile });
  expect(loadConfig(["--tls-cert", "c.pem", "--tls-key", "k.pem"], {}).tls).toEqual({ certFile: "c.pem", keyFile: "k.pem" });
  expect(loadConfig([], {}).tls).toBeUndefined();
  expect(() => loadConfig([], { HOOKRELAY_TLS_CERT: certificate.certFile })).toThrow(ConfigError);
  expect(() => loadConfig(["--tls-key", "k.pem"], {})).toThrow(/both/);
});

function send(url: string, options: { method: string; token: string; body?: string }): Promise<{ status: number; body: any }> {
  return new Promise((done, fail) => {
    const outgoing = request(url, {
      method: options.method,
      ca: certificate.cert,
      headers: { authorization: `Bearer ${options.token}`, "content-type": "application/json; charset=utf-8" },
    }, (response) => {
      let text = "";
      response.on("data", (chunk: Buffer) => (text += chunk));
      response.on("end", () => done({ status: response.statusCode ?? 0, body: JSON.parse(text) }));
    });
    outgoing.on("error", fail);
    outgoing.end(options.body);
  });
}

test("the process serves https with the configured certificate and ingests a delivery", async () => {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run \`npm run build:node\` before these tests.`);
  const child = spawn(process.execPath, [MAIN], {
    env: {
      PATH: process.env.PATH,
      PORT: "0",
      HOST: "127.0.0.1",
      HOOKRELAY_LOG_LEVEL: "warn",
      HOOKRELAY_DB: `sqlite:${join(dir, "events.db")}`,
      HOOKRELAY_DATA_DIR: dir,
      HOOKRELAY_TOKENS: INGEST,
      HOOKRELAY_READ_TOKENS: READ,
      HOOKRELAY_TLS_CERT: certificate.certFile,
      HOOKRELAY_TLS_KEY: certificate.keyFile,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const exited = new Promise((done) => child.once("exit", done));
  try {
    let output = "";
    const origin = await new Promise<string>((done, fail) => {
      const timer = setTimeout(() => fail(new Error(`endpoint did not start within 15 s:\n${output}`)), 15_000);
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        const listening = /listening at (https:\/\/127\.0\.0\.1:\d+)/.exec(output);
        if (listening) {
          clearTimeout(timer);
          done(listening[1]);
        }
      };
      child.stdout!.on("data", onData);
      child.stderr!.on("data", onData);
      void exited.then(() => fail(new Error(`endpoint exited before listening:\n${output}`)));
    });

    const sample = loadSample("git.push.json");
    const ingested = await send(`${origin}/hooks`, { method: "POST", token: INGEST, body: sample.raw });
    expect(ingested).toMatchObject({ status: 200, body: { id: sample.id, duplicate: false } });
    const stored = await send(`${origin}/api/events/${sample.id}`, { method: "GET", token: READ });
    expect(stored).toMatchObject({ status: 200, body: { id: sample.id, eventType: "git.push" } });
  } finally {
    child.kill("SIGTERM");
    await exited;
  }
});
