/**
 * GET /api/events/stream over real HTTP: resume with Last-Event-ID (replay, then live, no gap, no
 * duplicate) on each store, and PostgreSQL replicas seeing each other's events through LISTEN/NOTIFY.
 */
import { connect, type AddressInfo, type Socket } from "node:net";
import { Client } from "pg";
import { extractFacts } from "../../src/contract/facts";
import { comparePositions } from "../../src/endpoint/cursor";
import { buildServer, type EndpointServer, type ServerOptions } from "../../src/endpoint/server";
import { PostgresStore } from "../../src/endpoint/store/postgres";
import type { Delivery, EventStore } from "../../src/endpoint/store/types";
import { loadSample, memoryStore, StoreFactory, type Sample, type StoreKind } from "./helpers";
import { SseClient } from "./sseClient";

const INGEST = "ingest-token-0123456789abcdef";
const READ = "read-token-0123456789abcdefghij";
const JSON_UTF8 = "application/json; charset=utf-8";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function post(app: EndpointServer, sample: Sample, channel = ""): Promise<void> {
  const response = await app.inject({
    method: "POST",
    url: channel ? `/hooks/${channel}` : "/hooks",
    headers: { "content-type": JSON_UTF8, authorization: `Bearer ${INGEST}` },
    payload: sample.raw,
  });
  expect(response.statusCode).toBe(200);
}

async function storedOf(app: EndpointServer, eventId: string): Promise<{ rowId: string; position: string }> {
  const response = await app.inject({ url: `/api/events/${eventId}`, headers: { authorization: `Bearer ${READ}` } });
  return response.json();
}
const positionOf = async (app: EndpointServer, eventId: string) => (await storedOf(app, eventId)).position;
const rowIdOf = async (app: EndpointServer, eventId: string) => (await storedOf(app, eventId)).rowId;

function deliveryOf(sample: Sample, channel = ""): Delivery {
  return { channel, eventId: sample.id, facts: extractFacts(sample.event), body: sample.raw, headers: {}, receivedAt: Date.now() };
}

const pushes = (n: number) => Array.from({ length: n }, () => loadSample("git.push.json"));

/** Stores deliveries straight into the store, as a batch written while no stream was connected. */
async function storeDirectly(store: EventStore, samples: Sample[]): Promise<void> {
  for (let i = 0; i < samples.length; i += 500) await store.recordBatch(samples.slice(i, i + 500).map((s) => deliveryOf(s)));
}

const ascending = (positions: string[]) => positions.every((p, i) => i === 0 || comparePositions(positions[i - 1], p) < 0);

describe.each<StoreKind>(["sqlite", "sqlite-threaded", "postgres"])("stream resume on %s", (kind) => {
  const stores = new StoreFactory(kind);
  let store: EventStore;
  let app: EndpointServer;
  const clients: SseClient[] = [];

  const start = async (options: Partial<ServerOptions> = {}) => {
    app = buildServer({ store, ingestTokens: [INGEST], readTokens: [READ], ...options });
    await app.listen({ port: 0, host: "127.0.0.1" });
  };
  const connect = async (path: string, headers: Record<string, string> = {}) => {
    const client = await SseClient.open(app, path, READ, headers);
    clients.push(client);
    return client;
  };

  beforeEach(async () => {
    store = await stores.open();
  });
  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    await app?.close();
    await store.close();
  });
  afterAll(async () => {
    await stores.cleanup();
  });

  test("a reconnecting client gets exactly the events it missed, oldest first, then live ones", async () => {
    await start();
    const [seen1, seen2, missed1, missed2, missed3, live1, live2] = pushes(7);
    const first = await connect("/api/events/stream");
    await post(app, seen1);
    await post(app, seen2);
    await first.waitForHook(seen2.id);
    const lastEventId = first.messages[first.messages.length - 1].id!;
    first.close();

    for (const sample of [missed1, missed2, missed3]) await post(app, sample);
    const resumed = await connect("/api/events/stream", { "last-event-id": lastEventId });
    await resumed.waitForHook(missed3.id);
    await post(app, live1);
    await post(app, live2);
    await resumed.waitForHook(live2.id);

    expect(resumed.hookIds).toEqual([missed1, missed2, missed3, live1, live2].map((s) => s.id));
    const positions = resumed.messages.filter((m) => m.event === "hook").map((m) => m.id!);
    expect(positions[0]).toBe(await positionOf(app, missed1.id));
    expect(comparePositions(positions[0], lastEventId)).toBeGreaterThan(0);
    expect(ascending(positions)).toBe(true);
    expect(resumed.messages.map((m) => m.data.position)).toEqual(positions);
  });

  test("events stored while the replay runs come once each, none lost, none twice", async () => {
    await start();
    const missed = pushes(1200); // more than two replay pages
    const marker = loadSample("git.push.json");
    await post(app, marker);
    const after = await positionOf(app, marker.id);
    await storeDirectly(store, missed);

    const concurrent = pushes(40);
    const connecting = connect(`/api/events/stream?lastEventId=${after}`);
    const posting = (async () => {
      for (const sample of concurrent) await post(app, sample);
    })();
    const resumed = await connecting;
    await posting;
    const sentinel = loadSample("git.push.json");
    await post(app, sentinel);
    await resumed.waitForHook(sentinel.id);

    const expected = [...missed, ...concurrent, sentinel].map((s) => s.id);
    expect(resumed.hookIds).toHaveLength(expected.length);
    expect([...resumed.hookIds].sort()).toEqual([...expected].sort());
    expect(ascending(resumed.messages.map((m) => m.id!))).toBe(true);
  });

  test("the stream's eventType and channel filters apply to the replay", async () => {
    await start();
    const marker = loadSample("git.push.json");
    await post(app, marker, "team");
    const after = await positionOf(app, marker.id);
    const [pushTeam, pushDefault, pushTeamLater, livePush] = pushes(4);
    const prTeam = loadSample("git.pullrequest.created.json");
    const livePr = loadSample("git.pullrequest.created.json");
    await post(app, pushTeam, "team");
    await post(app, prTeam, "team");
    await post(app, pushDefault);
    await post(app, pushTeamLater, "team");

    const resumed = await connect("/api/events/stream?eventType=git.push&channel=team", { "last-event-id": after });
    await resumed.waitForHook(pushTeamLater.id);
    await post(app, livePr, "team");
    await post(app, loadSample("git.push.json"));
    await post(app, livePush, "team");
    await resumed.waitForHook(livePush.id);

    expect(resumed.hookIds).toEqual([pushTeam.id, pushTeamLater.id, livePush.id]);
    expect(resumed.messages.every((m) => m.data.channel === "team" && m.data.eventType === "git.push")).toBe(true);
  });

  test("?lastEventId= resumes too, and a Last-Event-ID header takes precedence over it", async () => {
    await start();
    const [a, b, c] = pushes(3);
    for (const sample of [a, b, c]) await post(app, sample);
    const [rowA, rowB] = [await positionOf(app, a.id), await positionOf(app, b.id)];

    const byParam = await connect(`/api/events/stream?lastEventId=${rowA}`);
    await byParam.waitForHook(c.id);
    const byHeader = await connect(`/api/events/stream?lastEventId=${rowA}`, { "last-event-id": rowB });
    await byHeader.waitForHook(c.id);

    expect(byParam.hookIds).toEqual([b.id, c.id]);
    expect(byHeader.hookIds).toEqual([c.id]);
  });

  test("past the replay limit the oldest missed events come, then `overflow`, then live ones", async () => {
    await start({ streamReplayLimit: 3 });
    const marker = loadSample("git.push.json");
    await post(app, marker);
    const after = await positionOf(app, marker.id);
    const watcher = await connect("/api/events/stream");
    const missed = pushes(5);
    for (const sample of missed) await post(app, sample);
    // Announced to streams already (on PostgreSQL a replica announces what it reads after a commit).
    await watcher.waitForHook(missed[4].id);

    const resumed = await connect("/api/events/stream", { "last-event-id": after });
    await resumed.waitFor((c) => c.messages.some((m) => m.event === "overflow"), "overflow");
    const live = loadSample("git.push.json");
    await post(app, live);
    await resumed.waitForHook(live.id);

    expect(resumed.messages.map((m) => m.event)).toEqual(["hook", "hook", "hook", "overflow", "hook"]);
    expect(resumed.hookIds).toEqual([missed[0].id, missed[1].id, missed[2].id, live.id]);
    const overflow = resumed.messages[3];
    expect(overflow.id).toBeUndefined();
    expect(overflow.data).toMatchObject({
      replayLimit: 3,
      replayed: 3,
      lastReplayedPosition: await positionOf(app, missed[2].id),
      firstSkipped: { rowId: await rowIdOf(app, missed[3].id) },
    });
    expect(overflow.data.message).toMatch(/GET \/api\/events\?after=/);
  });
});

describe("stream resume bound", () => {
  const stores = new StoreFactory("sqlite");
  afterAll(async () => {
    await stores.cleanup();
  });

  test("by default at most 10,000 events are replayed, oldest first", async () => {
    const store = await stores.open();
    const app = buildServer({ store, ingestTokens: [INGEST], readTokens: [READ] });
    await app.listen({ port: 0, host: "127.0.0.1" });
    try {
      const missed = pushes(10_002);
      await storeDirectly(store, missed);
      const resumed = await SseClient.open(app, "/api/events/stream?lastEventId=0", READ);
      await resumed.waitFor((c) => c.messages.some((m) => m.event === "overflow"), "overflow", 25_000);
      resumed.close();

      expect(resumed.messages).toHaveLength(10_001);
      expect(resumed.hookIds).toEqual(missed.slice(0, 10_000).map((s) => s.id));
      expect(resumed.messages[10_000].data).toMatchObject({ replayLimit: 10_000, replayed: 10_000 });
      expect(resumed.messages[10_000].data.firstSkipped.rowId).toBe((await store.get(missed[10_000].id))!.rowId);
    } finally {
      await app.close();
      await store.close();
    }
  });
});

/** A git.push that updated `count` refs: its stream message is about count × 160 bytes. */
function fatPush(count: number): Sample {
  const sample = loadSample("git.push.json");
  const update = sample.event.resource.refUpdates[0];
  sample.event.resource.refUpdates = Array.from({ length: count }, (_, i) => ({ ...update, name: `refs/heads/feature/${String(i).padStart(4, "0")}-${"x".repeat(120)}` }));
  return { ...sample, raw: JSON.stringify(sample.event) };
}

/** An SSE request on a raw socket that stops reading once the stream has started. */
async function stalledStream(app: EndpointServer): Promise<{ socket: Socket; readAll(): Promise<string> }> {
  const { port } = app.server.address() as AddressInfo;
  const socket = connect(port, "127.0.0.1");
  socket.write(`GET /api/events/stream HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${READ}\r\n\r\n`);
  let received = "";
  await new Promise<void>((resolve) => {
    const onData = (chunk: Buffer) => {
      received += chunk.toString();
      if (!received.includes(": connected")) return;
      socket.off("data", onData);
      socket.pause();
      resolve();
    };
    socket.on("data", onData);
  });
  return {
    socket,
    /** Reads on until the server's end of the connection; resolves with all that was received. */
    readAll: () =>
      new Promise((resolve) => {
        socket.on("data", (chunk: Buffer) => (received += chunk.toString()));
        socket.on("error", () => undefined);
        socket.once("close", () => resolve(received));
        socket.resume();
      }),
  };
}

const slowDisconnects = async (app: EndpointServer) =>
  Number(/^hookrelay_stream_slow_disconnects_total (\d+)$/m.exec((await app.inject({ url: "/metrics" })).body)?.[1]);

describe("slow stream clients", () => {
  const stores = new StoreFactory("sqlite");
  let store: EventStore;
  let app: EndpointServer;
  const sockets: Socket[] = [];
  const clients: SseClient[] = [];

  beforeEach(async () => {
    store = await stores.open();
  });
  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.destroy();
    for (const client of clients.splice(0)) client.close();
    await app.close();
    await store.close();
  });
  afterAll(async () => {
    await stores.cleanup();
  });

  const start = async (streamBuffers: ServerOptions["streamBuffers"]) => {
    app = buildServer({ store, ingestTokens: [INGEST], readTokens: [READ], streamBuffers });
    await app.listen({ port: 0, host: "127.0.0.1" });
  };

  /** Posts fat events until `done` holds; at most `max` of them. Resolves to the ids posted. */
  const flood = async (done: () => Promise<boolean>, max: number) => {
    const ids: string[] = [];
    while (ids.length < max && !(await done())) {
      const sample = fatPush(1000);
      await post(app, sample);
      ids.push(sample.id);
    }
    return ids;
  };

  test("a client past its own buffer is disconnected, one that reads gets everything, and the slow one resumes with Last-Event-ID", async () => {
    await start({ perClientBytes: 256 * 1024, totalBytes: 1024 * 1024 * 1024 });
    const reader = await SseClient.open(app, "/api/events/stream", READ);
    clients.push(reader);
    const slow = await stalledStream(app);
    sockets.push(slow.socket);

    // The kernel's socket buffers take a few MB before anything is queued in the process.
    const posted = await flood(async () => (await slowDisconnects(app)) > 0, 400);
    expect(await slowDisconnects(app)).toBe(1);
    await reader.waitForHook(posted[posted.length - 1]);
    expect(reader.hookIds).toEqual(posted);

    // What reached the slow client before it was dropped, then the end of its stream.
    const text = await slow.readAll();
    const rowIds = [...text.matchAll(/^id: (\d+)$/gm)].map((match) => match[1]);
    expect(rowIds.length).toBeGreaterThan(0);
    expect(rowIds.length).toBeLessThan(posted.length);

    const resumed = await SseClient.open(app, "/api/events/stream", READ, { "last-event-id": rowIds[rowIds.length - 1] });
    clients.push(resumed);
    await resumed.waitForHook(posted[posted.length - 1]);
    expect(resumed.hookIds).toEqual(posted.slice(rowIds.length));
  });

  test("past the total, clients that are behind are disconnected though each is under its own limit", async () => {
    await start({ perClientBytes: 1024 * 1024 * 1024, totalBytes: 512 * 1024 });
    const reader = await SseClient.open(app, "/api/events/stream", READ);
    clients.push(reader);
    const slow = await Promise.all(Array.from({ length: 4 }, () => stalledStream(app)));
    sockets.push(...slow.map((s) => s.socket));

    const posted = await flood(async () => (await slowDisconnects(app)) >= 4, 600);
    expect(await slowDisconnects(app)).toBe(4);
    await reader.waitForHook(posted[posted.length - 1]);
    expect(reader.hookIds).toEqual(posted);
  });
});

describe("Last-Event-ID checks", () => {
  const app = buildServer({ store: memoryStore(), ingestTokens: [INGEST], readTokens: [READ] });
  afterAll(async () => {
    await app.close();
  });

  test.each([
    ["header", "abc"],
    ["header", "-1"],
    ["header", "1.5"],
    ["header", "12 13"],
    ["header", "9223372036854775808"], // 2^63: no row id is that large
    ["header", "99999999999999999999"],
    ["query", "abc"],
    ["query", "0x10"],
  ])("a malformed one in the %s (%s) gets a 400 JSON error", async (where, value) => {
    const response = await app.inject({
      url: where === "query" ? `/api/events/stream?lastEventId=${encodeURIComponent(value)}` : "/api/events/stream",
      headers: { authorization: `Bearer ${READ}`, ...(where === "header" ? { "last-event-id": value } : {}) },
    });
    expect(response.statusCode).toBe(400);
    expect(response.headers["content-type"]).toBe(JSON_UTF8);
    expect(response.json().error.code).toBe("invalid_last_event_id");
    expect(response.json().error.message).toContain(JSON.stringify(value));
  });

  test("without the token it is 401 before anything else", async () => {
    const response = await app.inject({ url: "/api/events/stream", headers: { "last-event-id": "abc" } });
    expect(response.statusCode).toBe(401);
  });
});

describe("PostgreSQL replicas", () => {
  const factory = new StoreFactory("postgres");
  let url: string;
  let admin: Client;
  const opened: { store: PostgresStore; app: EndpointServer }[] = [];
  const clients: SseClient[] = [];

  async function replica(listenRetryMs = { firstMs: 50, maxMs: 1000 }) {
    const store = await PostgresStore.open({ connectionString: url, listenRetryMs });
    const app = buildServer({ store, ingestTokens: [INGEST], readTokens: [READ] });
    await app.listen({ port: 0, host: "127.0.0.1" });
    opened.push({ store, app });
    return { store, app };
  }
  const stream = async (app: EndpointServer) => {
    const client = await SseClient.open(app, "/api/events/stream", READ);
    clients.push(client);
    return client;
  };
  const listenBackends = async (store: PostgresStore) =>
    (
      await admin.query<{ pid: number }>("SELECT pid FROM pg_stat_activity WHERE application_name = $1", [
        `hookrelay-listen-${store.writerId}`,
      ])
    ).rows.map((r) => r.pid);
  async function waitForBackends(store: PostgresStore, count: number): Promise<number[]> {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const pids = await listenBackends(store);
      if (pids.length === count) return pids;
      if (Date.now() > deadline) throw new Error(`expected ${count} LISTEN connections, found ${pids.length}`);
      await sleep(20);
    }
  }

  beforeAll(async () => {
    url = await factory.url();
    admin = new Client({ connectionString: url });
    await admin.connect();
  });
  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    for (const { store, app } of opened.splice(0)) {
      await app.close();
      await store.close();
      expect(await listenBackends(store)).toEqual([]);
    }
  });
  afterAll(async () => {
    await admin.end();
    await factory.cleanup();
  });

  test("a stream on one replica gets each event stored through either replica exactly once", async () => {
    const a = await replica();
    const b = await replica();
    const onA = await stream(a.app);
    const onB = await stream(b.app);
    const [x, y, z, w] = pushes(4);
    await post(b.app, x);
    await post(a.app, y);
    await post(b.app, z);
    await post(a.app, w);
    for (const client of [onA, onB]) await client.waitFor((c) => [x, y, z, w].every((s) => c.hookIds.includes(s.id)), "all four");
    await sleep(500); // a second copy, if any, would come within this

    for (const client of [onA, onB]) {
      expect([...client.hookIds].sort()).toEqual([x, y, z, w].map((s) => s.id).sort());
      expect(client.messages.map((m) => m.id)).toEqual(client.messages.map((m) => m.data.position));
      expect(ascending(client.messages.map((m) => m.id!))).toBe(true);
    }
  });

  test("the LISTEN connection comes back after pg_terminate_backend, with what was stored meanwhile", async () => {
    // A slow first retry leaves a window in which the other replica stores while this one does not listen.
    const a = await replica({ firstMs: 1000, maxMs: 2000 });
    const b = await replica();
    const onA = await stream(a.app);
    const [before, meanwhile, after] = pushes(3);
    await post(b.app, before);
    await onA.waitForHook(before.id);

    const [pid] = await waitForBackends(a.store, 1);
    const terminated = await admin.query("SELECT pg_terminate_backend($1) AS done", [pid]);
    expect(terminated.rows[0].done).toBe(true);
    await waitForBackends(a.store, 0);
    await post(b.app, meanwhile);
    await post(a.app, loadSample("git.push.json")); // stored here while not listening: streamed once, by this replica

    const [newPid] = await waitForBackends(a.store, 1);
    expect(newPid).not.toBe(pid);
    await onA.waitForHook(meanwhile.id);
    await post(b.app, after);
    await onA.waitForHook(after.id);
    await sleep(500);

    expect(onA.hookIds).toHaveLength(4);
    expect(new Set(onA.hookIds).size).toBe(4);
    expect(onA.hookIds).toEqual(expect.arrayContaining([before.id, meanwhile.id, after.id]));
    expect(await listenBackends(a.store)).toEqual([newPid]);
  });

  test("closing the server closes its LISTEN connection", async () => {
    const a = await replica();
    await waitForBackends(a.store, 1);
    await a.app.close();
    await waitForBackends(a.store, 0);
  });
});
