/**
 * Positions: readers that go on from the last position they got miss no committed event and get
 * none twice, on PostgreSQL with writers whose transactions commit in another order than they began
 * (and one killed before it commits), and the same forward read on SQLite.
 */
import { Client } from "pg";
import { extractFacts } from "../../src/contract/facts";
import { buildServer, type EndpointServer } from "../../src/endpoint/server";
import { PostgresStore } from "../../src/endpoint/store/postgres";
import type { Delivery, EventStore, EventSummary } from "../../src/endpoint/store/types";
import { loadSample, StoreFactory, type StoreKind } from "./helpers";
import { SseClient } from "./sseClient";

const INGEST = "ingest-token-0123456789abcdef";
const READ = "read-token-0123456789abcdefghij";

function delivery(eventId: string, channel = ""): Delivery {
  const sample = loadSample("git.push.json", eventId);
  return { channel, eventId, facts: extractFacts(sample.event), body: sample.raw, headers: {}, receivedAt: Date.now() };
}

async function waitUntil(done: () => boolean | Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Reads every event after `from`, page by page, as a consumer following the store would. */
async function readFrom(store: EventStore, from: string, pageSize = 2): Promise<EventSummary[]> {
  const events: EventSummary[] = [];
  let position = store.parsePosition(from)!;
  for (;;) {
    const page = await store.eventsAfter(position, {}, pageSize);
    events.push(...page);
    if (page.length < pageSize) return events;
    position = page[page.length - 1].position;
  }
}

/** A reader that goes on from the last position it got, keeping what it got and every position it saw. */
class ForwardReader {
  readonly events: EventSummary[] = [];
  private position: string;

  constructor(private readonly store: EventStore) {
    this.position = store.parsePosition("0")!;
  }

  get ids(): string[] {
    return this.events.map((event) => event.id);
  }

  async readOn(): Promise<void> {
    const events = await readFrom(this.store, this.position);
    this.events.push(...events);
    if (events.length > 0) this.position = events[events.length - 1].position;
  }
}

/**
 * A writer whose batches the store inserts with its own statement, inside a transaction the test
 * then commits or kills: what a replica does between its INSERT and its COMMIT, held open.
 */
class HeldWriter {
  private constructor(
    readonly store: PostgresStore,
    private readonly client: Client,
    private readonly pid: number,
  ) {}

  static async open(url: string): Promise<HeldWriter> {
    const store = await PostgresStore.open({ connectionString: url });
    const client = new Client({ connectionString: url });
    client.on("error", () => undefined); // killed on purpose
    await client.connect();
    const { rows } = await client.query<{ pid: number }>("SELECT pg_backend_pid() AS pid");
    await client.query("BEGIN");
    const pool = (store as unknown as { pool: { query: (sql: string, params?: unknown[]) => Promise<unknown> } }).pool;
    const query = pool.query.bind(pool);
    jest.spyOn(pool, "query").mockImplementation((sql: string, params?: unknown[]) =>
      /^\s*INSERT INTO events/.test(sql) ? client.query(sql, params) : query(sql, params),
    );
    return new HeldWriter(store, client, rows[0].pid);
  }

  async commit(): Promise<void> {
    await this.client.query("COMMIT");
  }

  /** Ends the backend mid-transaction, as a replica killed before its commit: PostgreSQL aborts it. */
  async kill(admin: Client): Promise<void> {
    await admin.query("SELECT pg_terminate_backend($1)", [this.pid]);
    await waitUntil(
      async () => (await admin.query("SELECT 1 FROM pg_stat_activity WHERE pid = $1", [this.pid])).rowCount === 0,
      `backend ${this.pid} to end`,
    );
  }

  async close(): Promise<void> {
    await this.client.end().catch(() => undefined);
    await this.store.close();
  }
}

describe("PostgreSQL writers committing out of order", () => {
  const factory = new StoreFactory("postgres");
  let url: string;
  const closing: { close(): unknown }[] = [];

  beforeEach(async () => {
    url = await factory.url();
  });
  afterEach(async () => {
    for (const item of closing.splice(0).reverse()) await item.close();
  });
  afterAll(() => factory.cleanup());

  const open = async <T extends { close(): unknown }>(item: Promise<T>): Promise<T> => {
    const opened = await item;
    closing.push(opened);
    return opened;
  };
  const writers = (count: number) => Promise.all(Array.from({ length: count }, () => open(HeldWriter.open(url))));
  const adminOf = async () => {
    const client = new Client({ connectionString: url });
    await client.connect();
    closing.push({ close: () => client.end() });
    return client;
  };

  test("every committed event reaches every reader exactly once, from every position; an aborted one never", async () => {
    const killer = await adminOf();
    const reader = await open(PostgresStore.open({ connectionString: url, heldBackPollMs: 20, idlePollMs: 100 }));
    const followed: EventSummary[] = [];
    const errors: Error[] = [];
    closing.push({ close: await reader.followCommits({ onEvents: (events) => followed.push(...events), onError: (error) => errors.push(error) }) });
    const direct = await open(PostgresStore.open({ connectionString: url }));
    const forward = new ForwardReader(reader);

    await direct.recordBatch([delivery("before")]);
    const [killed, second, third] = await writers(3);
    // Transaction ids are taken in this order; the commits come in another.
    await killed.store.recordBatch([delivery("never-committed")]);
    await second.store.recordBatch([delivery("held-2")]);
    await third.store.recordBatch([delivery("held-3")]);
    await direct.recordBatch([delivery("after-held-1"), delivery("after-held-2")]);
    await forward.readOn();
    // Row ids alone would hand out "after-held-*" now, and a reader going on from them would skip held-2 and held-3.
    expect(forward.ids).toEqual(["before"]);

    await third.commit();
    await forward.readOn();
    expect(forward.ids).toEqual(["before"]);
    await killed.kill(killer);
    await forward.readOn();
    await second.commit();
    await direct.recordBatch([delivery("last")]);
    await forward.readOn();

    const expected = ["before", "held-2", "held-3", "after-held-1", "after-held-2", "last"];
    expect(forward.ids).toEqual(expected);
    const positions = forward.events.map((event) => event.position);
    for (const [i, position] of positions.entries()) {
      expect((await readFrom(reader, position)).map((event) => event.id)).toEqual(expected.slice(i + 1));
    }
    await waitUntil(() => followed.some((event) => event.id === "last"), "the follower to reach the last event");
    expect(followed.map((event) => event.id)).toEqual(expected);
    expect(errors).toEqual([]);
  });

  test("a reader polling while several writers commit concurrent batches gets each event once", async () => {
    const reader = await open(PostgresStore.open({ connectionString: url }));
    const writerStores = await Promise.all(Array.from({ length: 3 }, () => open(PostgresStore.open({ connectionString: url }))));
    const forward = new ForwardReader(reader);
    const written: string[] = [];
    let writing = true;
    const writes = Promise.all(
      writerStores.map(async (store, w) => {
        for (let batch = 0; batch < 20; batch++) {
          const deliveries = Array.from({ length: 5 }, (_, i) => delivery(`w${w}-b${batch}-${i}`));
          await store.recordBatch(deliveries);
          written.push(...deliveries.map((d) => d.eventId));
        }
      }),
    ).finally(() => (writing = false));
    while (writing) await forward.readOn();
    await writes;
    await forward.readOn();

    expect(forward.ids).toHaveLength(written.length);
    expect([...forward.ids].sort()).toEqual([...written].sort());
  });

  test("a stream resumed on another replica gets every committed event once, from every position", async () => {
    const killer = await adminOf();
    const replica = async () => {
      const store = await open(PostgresStore.open({ connectionString: url, heldBackPollMs: 20, idlePollMs: 100 }));
      const app = await open(Promise.resolve(buildServer({ store, ingestTokens: [INGEST], readTokens: [READ] })));
      await app.listen({ port: 0, host: "127.0.0.1" });
      return app;
    };
    const [a, b] = [await replica(), await replica()];
    const post = async (app: EndpointServer, eventId: string) => {
      const response = await app.inject({
        method: "POST",
        url: "/hooks",
        headers: { "content-type": "application/json", authorization: `Bearer ${INGEST}` },
        payload: loadSample("git.push.json", eventId).raw,
      });
      expect(response.statusCode).toBe(200);
    };

    const first = await open(SseClient.open(a, "/api/events/stream", READ));
    await post(b, "before");
    await first.waitForHook("before");
    const [killed, second, third] = await writers(3);
    await killed.store.recordBatch([delivery("never-committed")]);
    await second.store.recordBatch([delivery("held-2")]);
    await third.store.recordBatch([delivery("held-3")]);
    await post(a, "mid-a");
    await post(b, "mid-b");
    await first.close();

    await third.commit();
    await killed.kill(killer);
    await second.commit();
    await post(a, "last");
    const lastSeen = first.hooks[first.hooks.length - 1].id;
    const resumed = await open(SseClient.open(b, "/api/events/stream", READ, { "last-event-id": lastSeen }));
    await resumed.waitForHook("last");

    const expected = ["before", "held-2", "held-3", "mid-a", "mid-b", "last"];
    const got = [...first.hooks, ...resumed.hooks];
    expect(got.map((hook) => hook.eventId)).toEqual(expected);
    // Resuming from any position seen, on either replica, gives exactly what follows it.
    for (const [i, hook] of got.entries()) {
      const [on, other] = i % 2 === 0 ? [a, b] : [b, a];
      const client = await open(SseClient.open(on, "/api/events/stream", READ, { "last-event-id": hook.id }));
      // A live event from the other replica marks the end of what the resume owes.
      await post(other, `marker-${i}`);
      await client.waitForHook(`marker-${i}`);
      const resumedIds = client.hooks.map((h) => h.eventId).filter((id) => !id.startsWith("marker-"));
      expect(resumedIds).toEqual(expected.slice(i + 1));
      await client.close();
    }
  });
});

describe.each<StoreKind>(["sqlite", "postgres"])("GET /api/events?after= on %s", (kind) => {
  const stores = new StoreFactory(kind);
  let store: EventStore;
  let app: EndpointServer;

  beforeEach(async () => {
    store = await stores.open();
    app = buildServer({ store, ingestTokens: [INGEST], readTokens: [READ] });
  });
  afterEach(async () => {
    await app.close();
    await store.close();
  });
  afterAll(() => stores.cleanup());

  const get = (query: string) => app.inject({ url: `/api/events?${query}`, headers: { authorization: `Bearer ${READ}` } });

  test("pages oldest first with the list's filters, and `next` goes on where the last page ended", async () => {
    await store.recordBatch([delivery("a1", "team")]);
    await store.recordBatch([delivery("b1"), delivery("a2", "team")]);
    await store.recordBatch([delivery("a3", "team")]);

    const seen: string[] = [];
    let after = "0";
    for (;;) {
      const response = await get(`after=${after}&channel=team&limit=2`);
      expect(response.statusCode).toBe(200);
      const { value, next } = response.json() as { value: EventSummary[]; next: string };
      seen.push(...value.map((event) => event.id));
      if (value.length > 0) expect(next).toBe(value[value.length - 1].position);
      else expect(next).toBe(after === "0" ? store.parsePosition("0") : after);
      if (value.length === 0) break;
      after = next;
    }
    expect(seen).toEqual(["a1", "a2", "a3"]);

    // Polling from the last `next` gets what is stored later, and only that.
    await store.recordBatch([delivery("a4", "team"), delivery("b2")]);
    const later = (await get(`after=${after}&channel=team`)).json() as { value: EventSummary[] };
    expect(later.value.map((event) => event.id)).toEqual(["a4"]);
  });

  test("a position it did not give, or one given with a cursor, is a 400", async () => {
    for (const query of ["after=abc", "after=-1", "after=1.2.3", "after=0&cursor=x", "after=0&after=1"]) {
      const response = await get(query);
      expect(response.statusCode).toBe(400);
      expect(["invalid_query", "invalid_request", "invalid_cursor"]).toContain(response.json().error.code);
    }
  });
});
