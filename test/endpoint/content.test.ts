/**
 * Compact storage: SQLite compresses each row's body and headers (src/endpoint/store/content.ts),
 * and GET /api/events/:id still returns the body byte for byte, on every store.
 */
import { deflateRawSync } from "node:zlib";
import Database from "better-sqlite3";
import { openStore, sqliteFilename } from "../../src/endpoint/store";
import { DEFLATE_V1_CODEC, readContent, storedContent, TEXT_CODEC, ZSTD_V1_CODEC } from "../../src/endpoint/store/content";
import dictionaryV1 from "../../src/endpoint/store/dictionaries/v1.json";
import { buildServer, type EndpointServer } from "../../src/endpoint/server";
import { ThreadedSqliteStore } from "../../src/endpoint/store/sqliteThreaded";
import type { EventStore } from "../../src/endpoint/store/types";
import { BUILT_WRITER_SCRIPT, loadSample, StoreFactory, type StoreKind } from "./helpers";

const INGEST = "ingest-token-0123456789abcdef";
const READ = "read-token-0123456789abcdefghij";

/** Deterministic pseudo-random code points from every plane in use: text that compresses badly. */
function incompressibleText(length: number, seed = 7): string {
  let state = seed;
  const next = () => (state = (state * 1103515245 + 12345) % 2 ** 31);
  let text = "";
  while (text.length < length) {
    const codePoint = next() % 0x10ffff;
    // Surrogates are not characters, and JSON strings need ", \ and control characters escaped.
    if ((codePoint >= 0xd800 && codePoint <= 0xdfff) || codePoint < 0x20 || codePoint === 0x22 || codePoint === 0x5c) continue;
    text += String.fromCodePoint(codePoint);
  }
  return text;
}

function eventBody(id: string, extra: Record<string, unknown>, spacing?: number): string {
  return JSON.stringify({ id, eventType: "git.push", ...extra }, null, spacing);
}

/** Bodies that must come back exactly: the sample as sent, non-ASCII text, text that does not compress. */
function bodies(): Record<string, { id: string; raw: string }> {
  const sample = loadSample("git.push.json");
  const nonAscii = `nonascii-${sample.id}`;
  const random = `random-${sample.id}`;
  return {
    sample: { id: sample.id, raw: sample.raw },
    nonAscii: { id: nonAscii, raw: eventBody(nonAscii, { message: { text: "Zoë pushed “main” → 🚀 コミット ✓ \u00a0\u200b\ufeff" } }, 3) },
    random: { id: random, raw: `${eventBody(random, { note: incompressibleText(3000) })}\r\n` },
  };
}

describe("content codecs", () => {
  test("a typical event is compressed to a fraction of its size and reads back exactly", () => {
    const { raw } = loadSample("git.push.json");
    const headers = { "content-type": "application/json; charset=utf-8", host: "hooks.example.com" };
    const stored = storedContent({ channel: "", eventId: "x", facts: { eventType: "git.push", known: true, refs: [] }, body: raw, headers, receivedAt: 0 });
    expect(stored.codec).toBe(ZSTD_V1_CODEC);
    expect(stored.body.length).toBeLessThan(Buffer.byteLength(raw) / 5);
    expect(readContent(stored)).toEqual({ body: raw, headers: JSON.stringify(headers) });
  });

  test("a body that compresses badly still reads back exactly, and grows by a few bytes at most", () => {
    const raw = eventBody("x", { note: incompressibleText(3000) });
    const stored = storedContent({ channel: "", eventId: "x", facts: { eventType: "git.push", known: true, refs: [] }, body: raw, headers: {}, receivedAt: 0 });
    expect(stored.body.length).toBeGreaterThan(Buffer.byteLength(raw) / 2);
    expect(stored.body.length).toBeLessThan(Buffer.byteLength(raw) + 16);
    expect(readContent(stored)).toEqual({ body: raw, headers: "{}" });
  });

  test("rows written with deflate (codec 1) read back exactly", () => {
    const { raw } = loadSample("git.pullrequest.created.json");
    const headers = JSON.stringify({ "content-type": "application/json" });
    const body = deflateRawSync(Buffer.from(`${headers}\n${raw}`), { level: 1, windowBits: 13, dictionary: Buffer.from(dictionaryV1.text) });
    expect(readContent({ body, headers: "", codec: DEFLATE_V1_CODEC })).toEqual({ body: raw, headers });
  });

  test("rows written before compression (codec 0) read back as they were stored", () => {
    expect(readContent({ body: "{\"id\":\"x\"}", headers: "{\"a\":\"b\"}", codec: TEXT_CODEC })).toEqual({ body: "{\"id\":\"x\"}", headers: "{\"a\":\"b\"}" });
  });

  test("an unknown codec is an error, not a wrong body", () => {
    expect(() => readContent({ body: Buffer.from("x"), headers: "", codec: 99 })).toThrow(/codec 99/);
  });
});

describe.each<StoreKind>(["sqlite", "sqlite-threaded", "postgres"])("GET /api/events/:id on %s", (kind) => {
  const stores = new StoreFactory(kind);
  let store: EventStore;
  let app: EndpointServer;
  let url: string;

  beforeEach(async () => {
    url = await stores.url();
    store = kind === "sqlite-threaded" ? ThreadedSqliteStore.open({ filename: sqliteFilename(url)! }, BUILT_WRITER_SCRIPT) : await openStore(url);
    app = buildServer({ store, ingestTokens: [INGEST], readTokens: [READ] });
  });
  afterEach(async () => {
    await app.close();
    await store.close();
  });
  afterAll(() => stores.cleanup());

  test("returns each body byte for byte, and the headers it came with", async () => {
    const sent = bodies();
    for (const { raw } of Object.values(sent)) {
      const response = await app.inject({
        method: "POST",
        url: "/hooks",
        headers: { authorization: `Bearer ${INGEST}`, "content-type": "application/json; charset=utf-8", "x-hook-note": "kept" },
        payload: Buffer.from(raw, "utf8"),
      });
      expect(response.statusCode).toBe(200);
    }
    for (const [name, { id, raw }] of Object.entries(sent)) {
      const response = await app.inject({ method: "GET", url: `/api/events/${encodeURIComponent(id)}`, headers: { authorization: `Bearer ${READ}` } });
      const event = response.json() as { body: string; headers: Record<string, string> };
      expect({ name, bytes: Buffer.from(event.body, "utf8").equals(Buffer.from(raw, "utf8")) }).toEqual({ name, bytes: true });
      expect(event.headers).toMatchObject({ "content-type": "application/json; charset=utf-8", "x-hook-note": "kept" });
      expect(event.headers.authorization).toBeUndefined();
    }
    if (kind === "postgres") return;
    // On SQLite every row is compressed; the random text compresses badly, yet comes back exactly.
    const db = new Database(sqliteFilename(url)!, { readonly: true });
    try {
      const codecs = db.prepare("SELECT event_id, codec, length(body) AS bytes FROM events").all() as { event_id: string; codec: number; bytes: number }[];
      const byId = new Map(codecs.map((row) => [row.event_id, row]));
      expect(byId.get(sent.sample.id)).toMatchObject({ codec: ZSTD_V1_CODEC });
      expect(byId.get(sent.sample.id)!.bytes).toBeLessThan(Buffer.byteLength(sent.sample.raw) / 5);
      expect(byId.get(sent.nonAscii.id)).toMatchObject({ codec: ZSTD_V1_CODEC });
      expect(byId.get(sent.random.id)).toMatchObject({ codec: ZSTD_V1_CODEC });
      expect(byId.get(sent.random.id)!.bytes).toBeGreaterThan(Buffer.byteLength(sent.random.raw) / 2);
    } finally {
      db.close();
    }
  });
});
