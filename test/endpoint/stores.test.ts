/** The store contract, run against SQLite and a real PostgreSQL. */
import { randomUUID } from "node:crypto";
import { extractFacts } from "../../src/contract/facts";
import type { Delivery, EventStore } from "../../src/endpoint/store/types";
import { loadSample, StoreFactory, type StoreKind } from "./helpers";

function delivery(overrides: Partial<Delivery> & { event?: Record<string, any> } = {}): Delivery {
  const sample = loadSample("git.push.json");
  const event = overrides.event ?? sample.event;
  return {
    channel: "",
    eventId: event.id,
    facts: extractFacts(event),
    body: overrides.event ? JSON.stringify(event) : sample.raw,
    headers: { "content-type": "application/json; charset=utf-8" },
    receivedAt: Date.now(),
    ...overrides,
  };
}

function pushTo(refs: string[], id = randomUUID()): Record<string, any> {
  const { event } = loadSample("git.push.json", id);
  event.resource.refUpdates = refs.map((name) => ({ name, oldObjectId: "0".repeat(40), newObjectId: "1".repeat(40) }));
  return event;
}

describe.each<StoreKind>(["sqlite", "sqlite-threaded", "postgres"])("%s store", (kind) => {
  const stores = new StoreFactory(kind);
  let store: EventStore;

  beforeEach(async () => {
    store = await stores.open();
  });
  afterEach(async () => {
    await store.close();
  });
  afterAll(async () => {
    await stores.cleanup();
  });

  test("stores a delivery once and counts redeliveries", async () => {
    const first = delivery({ receivedAt: 1_000 });
    const [stored] = await store.recordBatch([first]);
    const [again] = await store.recordBatch([{ ...first, receivedAt: 5_000, body: "{}" }]);

    expect(stored).toMatchObject({ duplicate: false, receiptCount: 1 });
    expect(again).toMatchObject({ duplicate: true, receiptCount: 2, rowId: stored.rowId });
    const kept = await store.get(first.eventId);
    expect(kept).toMatchObject({ receiptCount: 2, receivedAt: new Date(1_000).toISOString(), lastReceivedAt: new Date(5_000).toISOString() });
    expect(kept?.body).toBe(first.body);
  });

  test("dedupes within one batch and keeps outcomes in order", async () => {
    const a = delivery();
    const b = delivery();
    const outcomes = await store.recordBatch([a, b, { ...a, receivedAt: a.receivedAt + 1 }]);

    expect(outcomes.map((o) => o.duplicate)).toEqual([false, false, true]);
    expect(outcomes[2]).toMatchObject({ receiptCount: 2, rowId: outcomes[0].rowId });
    expect((await store.query({ limit: 10 })).events).toHaveLength(2);
  });

  test("keeps the same event id apart on different channels", async () => {
    const base = delivery();
    const outcomes = await store.recordBatch([{ ...base, channel: "alpha" }, { ...base, channel: "beta" }]);

    expect(outcomes.map((o) => o.duplicate)).toEqual([false, false]);
    expect((await store.query({ limit: 10, channel: "beta" })).events.map((e) => e.channel)).toEqual(["beta"]);
    expect((await store.get(base.eventId, "alpha"))?.channel).toBe("alpha");
  });

  test("concurrent batches of the same delivery leave exactly one row", async () => {
    const same = delivery();
    const outcomes = (await Promise.all(Array.from({ length: 12 }, () => store.recordBatch([same])))).flat();

    expect(outcomes.filter((o) => !o.duplicate)).toHaveLength(1);
    const page = await store.query({ limit: 10 });
    expect(page.events).toHaveLength(1);
    expect(page.events[0].receiptCount).toBe(12);
  });

  test("returns the exact body and the stored headers", async () => {
    const raw = '{ "id" : "x-1", "eventType":"custom.thing", "note": "caf\u00e9 \\u00e9 ✓" }\n';
    await store.recordBatch([
      { channel: "", eventId: "x-1", facts: extractFacts(JSON.parse(raw)), body: raw, headers: { "x-a": "1" }, receivedAt: 10 },
    ]);
    const stored = await store.get("x-1");
    expect(stored?.body).toBe(raw);
    expect(stored?.headers).toEqual({ "x-a": "1" });
    expect(stored?.known).toBe(false);
    expect(await store.get("missing")).toBeUndefined();
  });

  test("filters by every indexed fact, a push's refs included", async () => {
    const multi = pushTo(["refs/heads/main", "refs/heads/release", "refs/tags/v1"]);
    const pr = loadSample("git.pullrequest.created.json").event;
    const build = loadSample("other-publishers/build.complete.json").event;
    await store.recordBatch([delivery({ event: multi }), delivery({ event: pr }), delivery({ event: build, channel: "ci" })]);
    const ids = async (filter: Record<string, unknown>) =>
      (await store.query({ limit: 10, ...filter })).events.map((e) => e.id).sort();

    expect(await ids({ ref: "refs/heads/release" })).toEqual([multi.id]);
    expect(await ids({ ref: "refs/tags/v1" })).toEqual([multi.id]);
    expect(await ids({ ref: "refs/heads/main" })).toEqual([multi.id, pr.id].sort());
    expect(await ids({ eventType: "git.pullrequest.created" })).toEqual([pr.id]);
    expect(await ids({ pullRequestId: pr.resource.pullRequestId })).toEqual([pr.id]);
    expect(await ids({ repository: multi.resource.repository.id })).toEqual([multi.id]);
    expect(await ids({ repository: pr.resource.repository.name })).toEqual([pr.id]);
    expect(await ids({ actor: multi.resource.pushedBy.uniqueName })).toEqual([multi.id]);
    expect(await ids({ projectId: build.resourceContainers.project.id })).toEqual([multi.id, pr.id, build.id].sort());
    expect(await ids({ channel: "ci" })).toEqual([build.id]);
  });

  test("pages newest first, each event exactly once, and filters by received time", async () => {
    const batch = Array.from({ length: 7 }, (_, i) => delivery({ receivedAt: 1_000 + Math.floor(i / 2) }));
    await store.recordBatch(batch);
    const seen: string[] = [];
    let after;
    do {
      const page = await store.query({ limit: 3, after });
      seen.push(...page.events.map((e) => e.id));
      after = page.next;
    } while (after);

    const times = seen.map((id) => batch.find((d) => d.eventId === id)!.receivedAt);
    expect(new Set(seen).size).toBe(7);
    expect(times).toEqual([...times].sort((x, y) => y - x));
    expect((await store.query({ limit: 10, since: 1_002, until: 1_003 })).events).toHaveLength(2);
  });

  test("prunes by age and by row count, in bounded steps", async () => {
    const now = Date.now();
    await store.recordBatch(Array.from({ length: 5 }, (_, i) => delivery({ receivedAt: now - 10_000 + i })));
    await store.recordBatch(Array.from({ length: 4 }, (_, i) => delivery({ receivedAt: now + i })));

    expect(await store.prune({ receivedBefore: now - 5_000, limit: 3 })).toBe(3);
    expect(await store.prune({ receivedBefore: now - 5_000, limit: 3 })).toBe(2);
    expect(await store.prune({ receivedBefore: now - 5_000, limit: 3 })).toBe(0);
    expect(await store.prune({ maxRows: 1, limit: 100 })).toBe(3);
    const left = (await store.query({ limit: 10 })).events;
    expect(left.map((e) => e.receivedAt)).toEqual([new Date(now + 3).toISOString()]);
  });

  test("never hands out a row id again, even after retention emptied the table", async () => {
    const first = await store.recordBatch([delivery(), delivery(), delivery()]);
    const lastPosition = (await store.eventsAfter(store.parsePosition("0")!, {}, 10)).at(-1)!.position;
    expect(await store.prune({ maxRows: 0, limit: 100 })).toBe(3);
    const [next] = await store.recordBatch([delivery()]);
    expect(BigInt(next.rowId)).toBeGreaterThan(BigInt(Math.max(...first.map((o) => Number(o.rowId)))));
    expect(await store.eventsAfter(lastPosition, {}, 10)).toMatchObject([{ rowId: next.rowId }]);
  });

  test("stores pull request ids beyond 32 bits and facts of any length, and finds them by their full value", async () => {
    const long = (tag: string) => `${"r".repeat(10_000)}-${tag}`;
    const withFacts = (tag: string, pullRequestId: number) => {
      const d = delivery();
      return { ...d, facts: { ...d.facts, repositoryName: long(tag), actor: long(tag), refs: [`refs/heads/${long(tag)}`], pullRequestId } };
    };
    const a = withFacts("a", 2 ** 31);
    const b = withFacts("b", Number.MAX_SAFE_INTEGER);
    await store.recordBatch([a, b]);
    const ids = async (filter: Record<string, unknown>) => (await store.query({ limit: 10, ...filter })).events.map((e) => e.id);

    expect(await ids({ repository: long("a") })).toEqual([a.eventId]);
    expect(await ids({ actor: long("b") })).toEqual([b.eventId]);
    expect(await ids({ ref: `refs/heads/${long("a")}` })).toEqual([a.eventId]);
    expect(await ids({ pullRequestId: 2 ** 31 })).toEqual([a.eventId]);
    expect(await ids({ repository: long("c") })).toEqual([]);
    expect((await store.get(b.eventId))).toMatchObject({ repositoryName: long("b"), pullRequestId: Number.MAX_SAFE_INTEGER });
  });

  test("keeps NUL and lone surrogates in facts as U+FFFD, and a filter by the value as sent finds them", async () => {
    const d = delivery();
    const odd = { ...d, facts: { ...d.facts, repositoryName: "a\u0000b\ud800", refs: ["refs/heads/\udc00"] } };
    await store.recordBatch([odd]);
    expect(await store.get(odd.eventId)).toMatchObject({ repositoryName: "a\ufffdb\ufffd", refs: ["refs/heads/\ufffd"], body: d.body });
    expect((await store.query({ limit: 10, repository: "a\u0000b\ud800" })).events.map((e) => e.id)).toEqual([odd.eventId]);
    expect((await store.query({ limit: 10, ref: "refs/heads/\ufffd" })).events.map((e) => e.id)).toEqual([odd.eventId]);
  });

  test("answers an id with a lone surrogate (refused at the door) for what it stores, never failing after the commit", async () => {
    const d = delivery();
    const [outcome] = await store.recordBatch([{ ...d, eventId: "id-\ud800" }, delivery()]);
    expect(outcome).toMatchObject({ duplicate: false, receiptCount: 1 });
    expect(await store.get("id-\ufffd")).toMatchObject({ id: "id-\ufffd", rowId: outcome.rowId });
  });

  test("answers ping while open", async () => {
    await expect(store.ping()).resolves.toBeUndefined();
  });
});
