/** Group commit: one refused delivery never fails the others of its batch; an outage fails them all, at once. */
import { extractFacts } from "../../src/contract/facts";
import type { Delivery, DeliveryOutcome, EventStore } from "../../src/endpoint/store/types";
import { DeliveryWriter, StoreUnavailableError } from "../../src/endpoint/writer";
import { loadSample, memoryStore } from "./helpers";

function delivery(repositoryName = "Fabrikam"): Delivery {
  const { event, raw } = loadSample("git.push.json");
  event.resource.repository.name = repositoryName;
  return { channel: "", eventId: event.id, facts: extractFacts(event), body: raw, headers: {}, receivedAt: Date.now() };
}

/** A store that refuses, as a whole batch, any batch holding a delivery whose repository is "poison". */
function storeRefusing(error: () => Error, { down = false } = {}) {
  const inner = memoryStore();
  const batches: number[] = [];
  const store: EventStore = {
    ...inner,
    async recordBatch(deliveries: Delivery[]): Promise<DeliveryOutcome[]> {
      batches.push(deliveries.length);
      if (down || deliveries.some((d) => d.facts.repositoryName === "poison")) throw error();
      return inner.recordBatch(deliveries);
    },
    async ping() {
      if (down) throw new Error("connect ECONNREFUSED 127.0.0.1:5432");
    },
  };
  return { store, stored: inner.stored, batches };
}

/** Queues every delivery in one turn of the event loop, so they share a batch, and settles each. */
function writeAll(writer: DeliveryWriter, deliveries: Delivery[]) {
  return Promise.allSettled(deliveries.map((d) => writer.write(d)));
}

test("a delivery the store refuses is isolated, and stored without its facts; the others of its batch are stored", async () => {
  const { store, stored, batches } = storeRefusing(() => new Error('value "2147483648" is out of range for type integer'));
  const refused: string[] = [];
  const writer = new DeliveryWriter(store, { maxQueued: 100, maxBatch: 100, onStoredWithoutFacts: (d) => refused.push(d.eventId) });
  const good = Array.from({ length: 30 }, () => delivery());
  const poison = delivery("poison");
  const results = await writeAll(writer, [...good.slice(0, 10), poison, ...good.slice(10)]);

  expect(results.map((r) => r.status)).toEqual(Array(31).fill("fulfilled"));
  expect(refused).toEqual([poison.eventId]);
  expect(stored.filter((d) => d.facts.repositoryName === "Fabrikam")).toHaveLength(30);
  const kept = stored.find((d) => d.eventId === poison.eventId);
  expect(kept).toMatchObject({ body: poison.body, facts: { eventType: "git.push", known: true, refs: [] } });
  expect(kept?.facts.repositoryName).toBeUndefined();
  // Halving finds it in a few commits, not one per delivery.
  expect(batches.length).toBeLessThanOrEqual(2 * Math.ceil(Math.log2(31)) + 2);
  expect(writer.lastCommitFailure).toBeUndefined();
});

test("an outage the error names fails the whole batch at once, without retrying rows", async () => {
  const full = () => Object.assign(new Error("database or disk is full"), { code: "SQLITE_FULL" });
  const { store, batches } = storeRefusing(full, { down: true });
  const writer = new DeliveryWriter(store, { maxQueued: 100, maxBatch: 100 });
  const results = await writeAll(writer, Array.from({ length: 20 }, () => delivery()));

  expect(results.every((r) => r.status === "rejected" && r.reason instanceof StoreUnavailableError)).toBe(true);
  expect(batches).toEqual([20]);
  expect(writer.lastCommitFailure?.error.message).toContain("disk is full");
});

test("an error without a code is an outage when the store no longer answers", async () => {
  const { store, batches } = storeRefusing(() => new Error("Connection terminated unexpectedly"), { down: true });
  const writer = new DeliveryWriter(store, { maxQueued: 100, maxBatch: 100 });
  const results = await writeAll(writer, Array.from({ length: 20 }, () => delivery()));

  expect(results.map((r) => r.status)).toEqual(Array(20).fill("rejected"));
  expect(batches).toEqual([20]);
  expect(writer.lastCommitFailure).toBeDefined();
});
