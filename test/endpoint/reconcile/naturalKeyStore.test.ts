/**
 * The stores' side of "one event, however it arrived", on every store: a rebuilt event and the
 * original of its change are one event, whichever comes first and even in one batch; two originals
 * stay two; `origin` is kept and filtered by.
 */
import { extractFacts } from "../../../src/contract/facts";
import { naturalKeyOf } from "../../../src/contract/naturalKey";
import type { Delivery, EventOrigin, EventStore } from "../../../src/endpoint/store/types";
import { Client } from "pg";
import { openStore } from "../../../src/endpoint/store";
import { loadSample, StoreFactory, type StoreKind } from "../helpers";

function delivery(id: string, origin: EventOrigin, receivedAt = 1_000): Delivery {
  const event = { ...JSON.parse(loadSample("git.push.json").raw), id };
  return { channel: "ci", eventId: id, facts: extractFacts(event), body: JSON.stringify(event), headers: {}, receivedAt, origin, naturalKey: naturalKeyOf(event) };
}

describe.each<StoreKind>(["sqlite", "sqlite-threaded", "postgres"])("natural keys on %s", (kind) => {
  const stores = new StoreFactory(kind);
  let store: EventStore;
  beforeEach(async () => {
    store = await stores.open();
  });
  afterEach(() => store.close());
  afterAll(() => stores.cleanup());

  const all = async () => (await store.query({ limit: 100 })).events;

  test("an original delivered after its rebuilt copy takes its place: one event, two receipts, the original's id and body", async () => {
    const [rebuilt] = await store.recordBatch([delivery("rebuilt-id", "rebuilt")]);
    const original = delivery("original-id", "delivered", 2_000);
    const [receipt] = await store.recordBatch([original]);
    expect(receipt).toEqual({ duplicate: true, receiptCount: 2, rowId: rebuilt.rowId });
    expect(await all()).toHaveLength(1);
    expect(await store.get("rebuilt-id")).toBeUndefined();
    expect(await store.get("original-id", "ci")).toMatchObject({ origin: "delivered", body: original.body, receiptCount: 2, naturalKey: original.naturalKey });
  });

  test("a rebuilt copy of a change held is a receipt, the original kept", async () => {
    await store.recordBatch([delivery("delivered-id", "delivered")]);
    expect(await store.recordBatch([delivery("rebuilt-id", "rebuilt")])).toEqual([expect.objectContaining({ duplicate: true, receiptCount: 2 })]);
    expect((await all()).map((e) => [e.id, e.origin])).toEqual([["delivered-id", "delivered"]]);
  });

  test("an original and its rebuilt copy in one batch are one event, the original's, whatever the order", async () => {
    const outcomes = await store.recordBatch([delivery("recovered-id", "recovered"), delivery("rebuilt-id", "rebuilt")]);
    expect(outcomes.filter((o) => !o.duplicate)).toHaveLength(1);
    expect((await all()).map((e) => [e.id, e.origin])).toEqual([["recovered-id", "recovered"]]);
  });

  test("two originals of one change are two events: Azure DevOps's id tells them apart", async () => {
    await store.recordBatch([delivery("first", "delivered")]);
    const [second] = await store.recordBatch([delivery("second", "delivered")]);
    expect(second.duplicate).toBe(false);
    expect((await all()).map((e) => e.id).sort()).toEqual(["first", "second"]);
    // The later one carries no key, so a rebuild still finds the change held by the first.
    expect(await store.ledger.hasNaturalKey("ci", delivery("x", "rebuilt").naturalKey!)).toBe(true);
    expect((await store.get("second"))?.naturalKey).toBeNull();
  });

  test("origin is kept and filtered by; a delivery without one was delivered", async () => {
    const { origin: _none, ...plain } = delivery("plain", "delivered");
    await store.recordBatch([plain, { ...delivery("r", "rebuilt"), naturalKey: "git.push:other:1" }]);
    expect((await store.query({ limit: 10, origin: "rebuilt" })).events.map((e) => e.id)).toEqual(["r"]);
    expect((await store.query({ limit: 10, origin: "delivered" })).events.map((e) => e.id)).toEqual(["plain"]);
    expect((await store.eventsAfter(store.parsePosition("0")!, { origin: "rebuilt" }, 10)).map((e) => e.origin)).toEqual(["rebuilt"]);
  });
});

describe("PostgreSQL replicas", () => {
  const stores = new StoreFactory("postgres");
  afterAll(() => stores.cleanup());

  /** The backends holding an advisory lock, as PostgreSQL sees them. */
  const lockHolders = async (admin: Client) =>
    (await admin.query("SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted")).rows.map((row) => row.pid as number);

  async function waitForLockHolders(admin: Client, holders: (pids: number[]) => boolean): Promise<void> {
    while (!holders(await lockHolders(admin))) await new Promise((resolve) => setImmediate(resolve));
  }

  /** Two replicas on one database, and an administrator's session beside them. */
  async function withReplicas(test: (one: EventStore, two: EventStore, admin: Client) => Promise<void>): Promise<void> {
    const url = await stores.url();
    const [one, two] = [await openStore(url), await openStore(url)];
    const admin = new Client({ connectionString: url });
    await admin.connect();
    try {
      await test(one, two, admin);
    } finally {
      await admin.end();
      await one.close();
      await two.close();
    }
  }

  test("only one replica reconciles at a time; the lock is free again once its run ends", () =>
    withReplicas(async (one, two, admin) => {
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      const running = one.ledger.exclusively(() => held);
      await waitForLockHolders(admin, (pids) => pids.length === 1);
      expect(await two.ledger.exclusively(async () => "ran")).toEqual({ ran: false });
      release();
      expect(await running).toEqual({ ran: true, value: undefined });
      expect(await two.ledger.exclusively(async () => "ran")).toEqual({ ran: true, value: "ran" });
    }));

  test("the lock's session ended by PostgreSQL while a run holds it: the run ends, the process lives, the lock is free", () =>
    withReplicas(async (one, two, admin) => {
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      const running = one.ledger.exclusively(() => held);
      await waitForLockHolders(admin, (pids) => pids.length === 1);
      // Between two queries the held client has no query to fail: the error comes as an event.
      await admin.query("SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND granted");
      await waitForLockHolders(admin, (pids) => pids.length === 0);
      expect(await two.ledger.exclusively(async () => "ran")).toEqual({ ran: true, value: "ran" });
      release();
      expect(await running).toEqual({ ran: true, value: undefined });
      expect(await one.ledger.exclusively(async () => "again")).toEqual({ ran: true, value: "again" });
    }));

  test("a run marked running by a replica that died becomes interrupted when the next one begins", async () => {
    const url = await stores.url();
    const store = await openStore(url);
    try {
      const dead = await store.ledger.beginRun(1_000);
      const next = await store.ledger.beginRun(2_000);
      await store.ledger.finishRun({ id: next, startedAt: new Date(2_000).toISOString(), endedAt: new Date(3_000).toISOString(), result: "succeeded", calls: 3, subscriptions: [] });
      expect(await store.ledger.lastRun()).toMatchObject({ id: next, result: "succeeded", calls: 3 });
      expect(await store.ledger.lastSuccessfulRun()).toMatchObject({ id: next });
      const client = new Client({ connectionString: url });
      await client.connect();
      const { rows } = await client.query("SELECT id, result FROM reconcile_runs ORDER BY id");
      await client.end();
      expect(rows.map((row) => [Number(row.id), row.result])).toEqual([[dead, "interrupted"], [next, "succeeded"]]);
    } finally {
      await store.close();
    }
  });
});
