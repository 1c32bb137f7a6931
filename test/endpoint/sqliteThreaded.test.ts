/** The writer thread's own failure modes; the store contract itself runs in stores.test.ts. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Worker } from "node:worker_threads";
import { extractFacts } from "../../src/contract/facts";
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
  await expect(pending).rejects.toThrow(/writer thread exited/);

  const next = push();
  await expect(store.recordBatch([next, lost])).resolves.toHaveLength(2);
  expect(writerOf(store)).not.toBe(first);
  expect((await store.get(next.eventId))?.receiptCount).toBe(1);
  // Whether or not the dying writer had committed it, the redelivered event is stored once.
  expect((await store.query({ limit: 10 })).events.filter((e) => e.id === lost.eventId)).toHaveLength(1);
});

test("refuses :memory:, which a second thread cannot open", () => {
  expect(() => ThreadedSqliteStore.open({ filename: ":memory:" }, BUILT_WRITER_SCRIPT)).toThrow(/:memory:/);
});
