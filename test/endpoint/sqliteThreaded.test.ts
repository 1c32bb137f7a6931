/** The writer thread's own failure modes; the store contract itself runs in stores.test.ts. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Worker } from "node:worker_threads";
import { extractFacts } from "../../src/contract/facts";
import { WRITER_EXITED } from "../../src/endpoint/store/outage";
import { ThreadedSqliteStore } from "../../src/endpoint/store/sqliteThreaded";
import type { Delivery } from "../../src/endpoint/store/types";
import { BUILT_WRITER_SCRIPT, loadSample } from "./helpers";

let dir: string;
let store: ThreadedSqliteStore;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "hookrelay-threaded-"));
  store = ThreadedSqliteStore.open({ filename: join(dir, "events.db") }, BUILT_WRITER_SCRIPT);
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

function push(): Delivery {
  const { event, raw } = loadSample("git.push.json", `push-${Math.random()}`);
  return { channel: "", eventId: event.id, facts: extractFacts(event), body: raw, headers: {}, receivedAt: Date.now() };
}

const writerOf = (s: ThreadedSqliteStore) => (s as unknown as { worker?: Worker }).worker;

test("a batch is readable on the main thread as soon as its promise resolves", async () => {
  const delivery = push();
  await store.recordBatch([delivery]);
  expect((await store.get(delivery.eventId))?.body).toBe(delivery.body);
});

test("a writer thread that dies fails the batch it held, and the next batch gets a new writer", async () => {
  await store.recordBatch([push()]);
  const first = writerOf(store)!;
  const lost = push();
  const pending = store.recordBatch([lost]);
  await first.terminate();
  // An outage (503), never retried row by row.
  await expect(pending).rejects.toMatchObject({ message: expect.stringMatching(/writer thread exited/), code: WRITER_EXITED });

  const next = push();
  await expect(store.recordBatch([next, lost])).resolves.toHaveLength(2);
  expect(writerOf(store)).not.toBe(first);
  expect((await store.get(next.eventId))?.receiptCount).toBe(1);
  // Whether or not the dying writer had committed it, the redelivered event is stored once.
  expect((await store.query({ limit: 10 })).events.filter((e) => e.id === lost.eventId)).toHaveLength(1);
});

/** Bytes with a buffer of their own, as a body Fastify assembled from several chunks has. */
const ownBytes = (text: string) => Buffer.from(new TextEncoder().encode(text).buffer);

/** A push whose body is its UTF-8 bytes, as POST /hooks keeps it. */
function pushAsBytes(bytes: (text: string) => Buffer = ownBytes): Delivery & { body: Uint8Array } {
  const delivery = push();
  return { ...delivery, body: bytes(delivery.body as string) };
}

test("a body is compressed on the caller's thread and stored byte for byte; the caller's delivery stays whole", async () => {
  const owned = pushAsBytes();
  const expected = Buffer.from(owned.body);
  await store.recordBatch([owned]);
  expect(Buffer.from(owned.body)).toEqual(expected);
  expect((await store.get(owned.eventId))?.body).toBe(expected.toString("utf8"));
});

test("a body that is part of a larger buffer (Node's pool) is stored as its own bytes only", async () => {
  const pool = Buffer.alloc(64 * 1024, "x");
  const delivery = pushAsBytes((text) => pool.subarray(100, 100 + pool.write(text, 100)));
  await store.recordBatch([delivery]);
  expect((await store.get(delivery.eventId))?.body).toBe(Buffer.from(delivery.body).toString("utf8"));
});

test("a batch the writer thread fails can be retried in parts: its deliveries are left whole", async () => {
  const good = pushAsBytes();
  const refused = pushAsBytes();
  const bodies = [Buffer.from(good.body), Buffer.from(refused.body)];
  // Not text: the thread fails the batch before it writes a row.
  refused.facts = { ...refused.facts, actor: 42 as unknown as string };
  await expect(store.recordBatch([good, refused])).rejects.toThrow();
  expect([Buffer.from(good.body), Buffer.from(refused.body)]).toEqual(bodies);
  expect(await store.get(good.eventId)).toBeUndefined();

  await store.recordBatch([good]);
  expect((await store.get(good.eventId))?.body).toBe(bodies[0].toString("utf8"));
});

test("a large body is compressed as soon as it is queued, and only its compressed form is held; a small one waits whole", async () => {
  const large = pushAsBytes((text) => Buffer.from(text.replace(/"comment":\s*"/, (open) => open + "x".repeat(100_000))));
  const prepared = store.prepare(large);
  expect(prepared.body).toBe("");
  expect(prepared.content!.body.length).toBeLessThan(large.body.byteLength / 10);
  await store.recordBatch([prepared]);
  expect((await store.get(large.eventId))?.body).toBe(Buffer.from(large.body).toString("utf8"));

  const small = pushAsBytes();
  expect(store.prepare(small)).toBe(small);
});

test("refuses :memory:, which a second thread cannot open", () => {
  expect(() => ThreadedSqliteStore.open({ filename: ":memory:" }, BUILT_WRITER_SCRIPT)).toThrow(/:memory:/);
});
