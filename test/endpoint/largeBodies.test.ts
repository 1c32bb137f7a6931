/**
 * What a large delivery holds while it waits for its commit: its bytes, not its parsed event. At
 * 64 connections of 500 KB, a parsed copy per request kept alive until the commit doubled the live
 * heap, and V8 let the garbage grow with it (bench/RESULTS.md, peak RSS at 500 KB).
 */
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { buildServer, type EndpointServer } from "../../src/endpoint/server";
import type { Delivery } from "../../src/endpoint/store/types";
import { loadSample, memoryStore } from "./helpers";

setFlagsFromString("--expose-gc");
const collectGarbage = runInNewContext("gc") as () => void;

const INGEST = "ingest-token-0123456789abcdef";
const DELIVERIES = 16;
const MIB = 2 ** 20;

/** A push of about 1 MiB, each with its own text (so no two share a string). */
function largePush(n: number): string {
  const { event } = loadSample("git.push.json");
  (event.message as { text: string }).text = `${n} ${"Refactors the retry loop. ".repeat(MIB / 26)}`;
  return JSON.stringify(event);
}

async function until(condition: () => Promise<boolean>): Promise<void> {
  while (!(await condition())) await new Promise((resolve) => setImmediate(resolve));
}

let app: EndpointServer;
afterEach(() => app.close());

test("deliveries waiting for their commit hold no parsed event on the heap", async () => {
  let commit!: () => void;
  const committed = new Promise<void>((resolve) => (commit = resolve));
  const store = memoryStore();
  const record = store.recordBatch.bind(store);
  const waiting: Delivery[] = [];
  store.recordBatch = async (deliveries) => {
    waiting.push(...deliveries);
    await committed;
    return record(deliveries);
  };
  app = buildServer({ store, ingestTokens: [INGEST], readTokens: ["read-token-0123456789abcdefghij"], bodyLimitBytes: 2 * MIB });
  await app.ready();
  const bodies = Array.from({ length: DELIVERIES }, (_, n) => largePush(n));
  const queueDepth = async () => Number(/^hookrelay_ingest_queue_depth (\d+)/m.exec((await app.inject({ url: "/metrics" })).body)?.[1]);

  collectGarbage();
  const before = process.memoryUsage().heapUsed;
  const answers = bodies.map((payload) =>
    app.inject({ method: "POST", url: "/hooks", headers: { authorization: `Bearer ${INGEST}`, "content-type": "application/json" }, payload }),
  );
  // Every delivery is parsed and waits: the first batch in the store, the others in the writer's queue.
  await until(async () => waiting.length > 0 && waiting.length + (await queueDepth()) === DELIVERIES);
  collectGarbage();
  const held = process.memoryUsage().heapUsed - before;

  commit();
  expect((await Promise.all(answers)).map((answer) => answer.statusCode)).toEqual(bodies.map(() => 200));
  // The bodies add up to 16 MiB; one parsed copy of each would be as much again.
  expect(held).toBeLessThan((DELIVERIES * MIB) / 4);
});
