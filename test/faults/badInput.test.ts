/**
 * A corpus of bad deliveries: each gets a clear 4xx with a JSON error, nothing of it is stored,
 * and the process stays up.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { INGEST_TOKEN, startEndpoint, type RunningEndpoint } from "./support/endpoint";
import { bodyFor, deliver } from "./support/sender";
import { totalRows } from "./support/store";

const BODY_LIMIT = 1024 * 1024;
const ID = "0f0e0d0c-0b0a-4000-8000-000000000bad";
const valid = JSON.parse(bodyFor(ID)) as Record<string, unknown>;
const withValid = (extra: string) => JSON.stringify(valid).replace(/^\{/, `{${extra},`);

function nested(depth: number): string {
  return "[".repeat(depth) + "]".repeat(depth);
}

interface Case {
  name: string;
  body: string | Uint8Array<ArrayBuffer>;
  contentType?: string;
  /** Headers beyond the token and the content type. */
  headers?: Record<string, string>;
  status: number;
  code: string;
}

const corpus: Case[] = [
  { name: "truncated JSON", body: bodyFor(ID).slice(0, 200), status: 400, code: "invalid_json" },
  { name: "empty body", body: "", status: 400, code: "invalid_json" },
  { name: "a JSON array", body: "[]", status: 400, code: "invalid_event" },
  { name: "a JSON string", body: '"git.push"', status: 400, code: "invalid_event" },
  { name: "JSON null", body: "null", status: 400, code: "invalid_event" },
  { name: "trailing garbage", body: `${bodyFor(ID)} {}`, status: 400, code: "invalid_json" },
  { name: "numeric id", body: JSON.stringify({ ...valid, id: 42 }), status: 400, code: "invalid_event" },
  { name: "object eventType", body: JSON.stringify({ ...valid, eventType: { name: "git.push" } }), status: 400, code: "invalid_event" },
  { name: "missing id", body: JSON.stringify({ ...valid, id: undefined }), status: 400, code: "invalid_event" },
  { name: "empty id", body: JSON.stringify({ ...valid, id: "" }), status: 400, code: "invalid_event" },
  { name: "an id of 257 characters", body: JSON.stringify({ ...valid, id: "a".repeat(257) }), status: 400, code: "invalid_event" },
  { name: "id of 100,000 characters", body: JSON.stringify({ ...valid, id: "a".repeat(100_000) }), status: 400, code: "invalid_event" },
  { name: "control characters in eventType", body: JSON.stringify({ ...valid, eventType: "git.push\u0000\n" }), status: 400, code: "invalid_event" },
  { name: "a lone surrogate in the id", body: JSON.stringify({ ...valid, id: "ID" }).replace('"ID"', `"${ID}\\ud800"`), status: 400, code: "invalid_id" },
  { name: "a lone surrogate in eventType", body: JSON.stringify({ ...valid, eventType: "TYPE" }).replace('"TYPE"', '"git.push\\udc00"'), status: 400, code: "invalid_event_type" },
  {
    name: "a 2 MiB string (over the body limit)",
    body: JSON.stringify({ ...valid, message: { text: "x".repeat(2 * BODY_LIMIT) } }),
    status: 413,
    code: "payload_too_large",
  },
  { name: "nesting 10,000 deep", body: JSON.stringify({ ...valid, resource: "DEEP" }).replace('"DEEP"', nested(10_000)), status: 400, code: "too_deep" },
  {
    name: "invalid UTF-8",
    body: new Uint8Array(Buffer.concat([Buffer.from(bodyFor(ID).slice(0, -1) + ',"note":"'), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('"}')])),
    status: 400,
    code: "invalid_encoding",
  },
  { name: "duplicate id keys", body: withValid(`"id":"0f0e0d0c-0b0a-4000-8000-00000000dupe"`), status: 400, code: "duplicate_key" },
  { name: "__proto__ at the top", body: withValid(`"__proto__":{"polluted":true}`), status: 400, code: "forbidden_key" },
  {
    name: "__proto__ deep in the resource",
    body: JSON.stringify({ ...valid, resource: { a: { b: "PROTO" } } }).replace('"PROTO"', '{"__proto__":{"x":1}}'),
    status: 400,
    code: "forbidden_key",
  },
  { name: "constructor.prototype", body: withValid(`"constructor":{"prototype":{"polluted":true}}`), status: 400, code: "forbidden_key" },
  { name: "text/plain", body: bodyFor(ID), contentType: "text/plain", status: 415, code: "unsupported_media_type" },
  { name: "a gzip-encoded body", body: new Uint8Array(gzipSync(bodyFor(ID))), headers: { "content-encoding": "gzip" }, status: 415, code: "unsupported_encoding" },
  { name: "form-encoded body sent as JSON", body: "id=1&eventType=git.push", status: 400, code: "invalid_json" },
];

describe("bad-input corpus", () => {
  let dataDir: string;
  let db: string;
  let endpoint: RunningEndpoint;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "hookrelay-faults-input-"));
    db = `sqlite:${join(dataDir, "hookrelay.db")}`;
    endpoint = await startEndpoint({ db, dataDir, env: { HOOKRELAY_BODY_LIMIT: String(BODY_LIMIT) } });
  });

  afterAll(async () => {
    await endpoint?.kill();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test.each(corpus)("$name → $status $code, nothing stored, process up", async ({ body, contentType, headers, status, code }) => {
    const before = await totalRows(db);
    const response = await fetch(`${endpoint.url}/hooks`, {
      method: "POST",
      headers: { authorization: `Bearer ${INGEST_TOKEN}`, "content-type": contentType ?? "application/json", ...headers },
      body,
      signal: AbortSignal.timeout(10_000),
    });
    const answer = (await response.json()) as { error?: { code?: unknown; message?: unknown } };

    expect({ status: response.status, error: answer.error }).toEqual({ status, error: { code, message: expect.any(String) } });
    expect(await totalRows(db)).toBe(before);
    expect(endpoint.alive()).toBe(true);
    expect((await fetch(`${endpoint.url}/healthz`)).status).toBe(200);
  });

  test("a valid delivery after the corpus is the only event stored", async () => {
    expect((await deliver(endpoint.url, "0f0e0d0c-0b0a-4000-8000-00000000a11d")).status).toBe(200);
    expect(await totalRows(db)).toBe(1);
  });
});
