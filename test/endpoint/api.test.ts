/** The HTTP interface, in process (fastify.inject), on SQLite and on a real PostgreSQL. */
import { randomUUID } from "node:crypto";
import { request as httpRequest, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { Writable } from "node:stream";
import { parseTransactionPosition } from "../../src/endpoint/cursor";
import { buildServer, type EndpointServer, type ServerOptions } from "../../src/endpoint/server";
import type { EventStore } from "../../src/endpoint/store/types";
import { expectedFacts, loadSample, SAMPLE_FILES, StoreFactory, unusedLedger, type Sample, type StoreKind } from "./helpers";

const INGEST = "ingest-token-0123456789abcdef";
const ROTATED = "ingest-token-rotated-456789abcdef";
const READ = "read-token-0123456789abcdefghij";
const JSON_UTF8 = "application/json; charset=utf-8";

function post(app: EndpointServer, body: string, options: { path?: string; token?: string | null; type?: string } = {}) {
  const headers: Record<string, string> = { "content-type": options.type ?? JSON_UTF8 };
  if (options.token !== null) headers.authorization = `Bearer ${options.token ?? INGEST}`;
  // inject() only dispatches when awaited; resolving it here starts the request at once.
  return Promise.resolve(app.inject({ method: "POST", url: options.path ?? "/hooks", headers, payload: body }));
}

function read(app: EndpointServer, url: string, token = READ) {
  return app.inject({ method: "GET", url, headers: { authorization: `Bearer ${token}` } });
}

describe.each<StoreKind>(["sqlite", "postgres"])("endpoint on %s", (kind) => {
  const stores = new StoreFactory(kind);
  let store: EventStore;
  let app: EndpointServer;

  const build = (options: Partial<ServerOptions> = {}) =>
    buildServer({ store, ingestTokens: [INGEST, ROTATED], readTokens: [READ], ...options });

  beforeEach(async () => {
    store = await stores.open();
    app = build();
  });
  afterEach(async () => {
    await app.close();
    await store.close();
  });
  afterAll(async () => {
    await stores.cleanup();
  });

  describe("ingest", () => {
    test("every official sample is stored and found by each of its extracted facts", async () => {
      const samples = SAMPLE_FILES.map((file) => loadSample(file));
      for (const sample of samples) {
        const response = await post(app, sample.raw);
        expect({ file: sample.file, status: response.statusCode, body: response.json() }).toEqual({
          file: sample.file,
          status: 200,
          body: { id: sample.id, duplicate: false, receiptCount: 1 },
        });
      }
      const idsFor = async (query: string) =>
        (await read(app, `/api/events?${query}`)).json().value.map((e: { id: string }) => e.id).sort();
      const matching = (predicate: (s: Sample) => boolean) => samples.filter(predicate).map((s) => s.id).sort();

      for (const sample of samples) {
        const facts = expectedFacts(sample.event);
        expect(await idsFor(`eventType=${encodeURIComponent(sample.eventType)}`)).toEqual(matching((s) => s.eventType === sample.eventType));
        if (facts.repositoryId) {
          expect(await idsFor(`repository=${facts.repositoryId}`)).toEqual(matching((s) => expectedFacts(s.event).repositoryId === facts.repositoryId));
          expect(await idsFor(`repository=${encodeURIComponent(facts.repositoryName!)}`)).toEqual(
            matching((s) => expectedFacts(s.event).repositoryName === facts.repositoryName),
          );
        }
        for (const ref of facts.refs) {
          const branch = ref.replace(/^refs\/heads\//, "");
          expect(await idsFor(`branch=${encodeURIComponent(branch)}`)).toEqual(matching((s) => expectedFacts(s.event).refs.includes(ref)));
        }
        if (facts.pullRequestId !== undefined) {
          expect(await idsFor(`pullRequestId=${facts.pullRequestId}`)).toEqual(
            matching((s) => expectedFacts(s.event).pullRequestId === facts.pullRequestId),
          );
        }
        if (facts.actor) {
          expect(await idsFor(`actor=${encodeURIComponent(facts.actor)}`)).toEqual(matching((s) => expectedFacts(s.event).actor === facts.actor));
        }
        expect(await idsFor(`projectId=${facts.projectId}`)).toEqual(matching((s) => expectedFacts(s.event).projectId === facts.projectId));
        const stored = (await read(app, `/api/events/${sample.id}`)).json();
        expect({ file: sample.file, known: stored.known, body: stored.body }).toEqual({ file: sample.file, known: facts.known, body: sample.raw });
      }
    });

    test("keeps the exact raw body, the headers without Authorization, and redelivery counts", async () => {
      const sample = loadSample("git.pullrequest.merged.json");
      const first = await post(app, sample.raw, { path: "/hooks/team-a" });
      const again = await post(app, sample.raw, { path: "/hooks/team-a", token: ROTATED });

      expect(first.json()).toEqual({ id: sample.id, duplicate: false, receiptCount: 1 });
      expect(again.statusCode).toBe(200);
      expect(again.json()).toEqual({ id: sample.id, duplicate: true, receiptCount: 2 });
      const stored = (await read(app, `/api/events/${sample.id}?channel=team-a`)).json();
      expect(stored).toMatchObject({ id: sample.id, channel: "team-a", receiptCount: 2, body: sample.raw });
      expect(stored.headers["content-type"]).toBe(JSON_UTF8);
      expect(stored.headers.authorization).toBeUndefined();
      expect(JSON.stringify(stored)).not.toContain(INGEST);
      expect(Date.parse(stored.lastReceivedAt)).toBeGreaterThanOrEqual(Date.parse(stored.receivedAt));
    });

    test("concurrent identical deliveries store one row", async () => {
      const sample = loadSample("git.push.json");
      const responses = await Promise.all(Array.from({ length: 20 }, () => post(app, sample.raw)));

      expect(responses.map((r) => r.statusCode)).toEqual(Array(20).fill(200));
      expect(responses.filter((r) => r.json().duplicate === false)).toHaveLength(1);
      const listed = (await read(app, "/api/events")).json().value;
      expect(listed).toHaveLength(1);
      expect(listed[0].receiptCount).toBe(20);
    });

    test("channels keep the same event apart", async () => {
      const sample = loadSample("git.push.json");
      await post(app, sample.raw, { path: "/hooks/one" });
      const other = await post(app, sample.raw, { path: "/hooks/two" });

      expect(other.json().duplicate).toBe(false);
      expect((await read(app, "/api/events?channel=two")).json().value.map((e: { channel: string }) => e.channel)).toEqual(["two"]);
    });

    test("accepts application/*+json and a payload of 2 MB", async () => {
      const sample = loadSample("git.push.json");
      sample.event.resource.padding = "x".repeat(2 * 1024 * 1024);
      const response = await post(app, JSON.stringify(sample.event), { type: "application/vnd.hookrelay+json" });
      expect(response.statusCode).toBe(200);
      expect((await read(app, `/api/events/${sample.id}`)).json().body.length).toBeGreaterThan(2 * 1024 * 1024);
    });
  });

  describe("errors", () => {
    const event = () => loadSample("git.push.json").raw;
    const expectError = (response: { statusCode: number; json(): any }, status: number, code: string) => {
      expect({ status: response.statusCode, code: response.json().error?.code }).toEqual({ status, code });
      expect(typeof response.json().error.message).toBe("string");
    };

    test("401 without a token, with a wrong one, or with a read token", async () => {
      expectError(await post(app, event(), { token: null }), 401, "unauthorized");
      expectError(await post(app, event(), { token: "wrong-token-0123456789" }), 401, "unauthorized");
      expectError(await post(app, event(), { token: READ }), 401, "unauthorized");
      expectError(await read(app, "/api/events", INGEST), 401, "unauthorized");
      expect((await read(app, "/api/events")).statusCode).toBe(200);
    });

    test("400 for bodies that are not a JSON event, saying what is wrong", async () => {
      const bad = await post(app, '{"id": "a", ');
      expectError(bad, 400, "invalid_json");
      expect(bad.json().error.message).toMatch(/not valid JSON/);
      expectError(await post(app, "[1, 2]"), 400, "invalid_event");
      expectError(await post(app, '"text"'), 400, "invalid_event");
      const missing = await post(app, '{"id": "a"}');
      expectError(missing, 400, "invalid_event");
      expect(missing.json().error.message).toContain("eventType");
      expectError(await post(app, '{"id": 42, "eventType": "git.push"}'), 400, "invalid_event");
      expectError(await post(app, ""), 400, "invalid_json");
      expectError(await post(app, '{"id": "a", "eventType": "git.push", "__proto__": {"admin": true}}'), 400, "forbidden_key");
      expectError(await post(app, event(), { path: "/hooks/bad%20channel" }), 400, "invalid_request");
      expect((await read(app, "/api/events")).json().value).toEqual([]);
    });

    test("415 for other content types", async () => {
      expectError(await post(app, event(), { type: "text/plain" }), 415, "unsupported_media_type");
      expectError(await post(app, event(), { type: "application/x-www-form-urlencoded" }), 415, "unsupported_media_type");
    });

    test("413 over the body limit", async () => {
      const small = build({ bodyLimitBytes: 2048 });
      try {
        expectError(await post(small, JSON.stringify({ id: "big", eventType: "git.push", pad: "x".repeat(4096) })), 413, "payload_too_large");
        expect((await post(small, JSON.stringify({ id: "ok", eventType: "git.push" }))).statusCode).toBe(200);
      } finally {
        await small.close();
      }
    });

    test("400 for bad read queries, 404 for unknown events and routes", async () => {
      expectError(await read(app, "/api/events?cursor=nonsense"), 400, "invalid_cursor");
      expectError(await read(app, "/api/events?since=yesterday"), 400, "invalid_query");
      expectError(await read(app, "/api/events?pullRequestId=-3"), 400, "invalid_query");
      expectError(await read(app, "/api/events?colour=blue"), 400, "invalid_request");
      expectError(await read(app, `/api/events/${randomUUID()}`), 404, "not_found");
      expectError(await app.inject({ method: "GET", url: "/nowhere" }), 404, "not_found");
    });

    test("client mistakes on the read API are 400 with a code, never 503, never an error in the log", async () => {
      const lines: string[] = [];
      const logged = build({ logger: { level: "info", stream: new Writable({ write: (chunk, _encoding, done) => done(void lines.push(String(chunk))) }) } });
      await post(logged, loadSample("git.push.json").raw);
      const beyondBigint = "9223372036854775808";
      const cursor = (position: unknown[]) => Buffer.from(JSON.stringify(position)).toString("base64url");
      const mistakes: [string, string][] = [
        ["/api/events?channel=a&channel=b", "invalid_request"],
        ["/api/events?eventType=git.push&eventType=git.push", "invalid_request"],
        ["/api/events?limit=1&limit=2", "invalid_request"],
        [`/api/events/some-id?channel=a&channel=b`, "invalid_request"],
        ["/api/events/stream?channel=a&channel=b", "invalid_request"],
        [`/api/events?pullRequestId=${beyondBigint}`, "invalid_query"],
        ["/api/events?pullRequestId=99999999999999999999999", "invalid_query"],
        ["/api/events?since=99999999999999999999", "invalid_query"],
        [`/api/events?until=${beyondBigint}`, "invalid_query"],
        ["/api/events?since=%2B275760-09-14T00:00:00.001Z", "invalid_query"],
        [`/api/events?cursor=${cursor([Date.now(), beyondBigint])}`, "invalid_cursor"],
        [`/api/events?cursor=${cursor([1e300, "1"])}`, "invalid_cursor"],
        [`/api/events/stream?lastEventId=${beyondBigint}`, "invalid_last_event_id"],
        ...["eventType", "channel", "repository", "branch", "actor", "projectId"].map((name): [string, string] => [`/api/events?${name}=a%00b`, "invalid_request"]),
        ["/api/events/a%00b", "invalid_request"],
        ["/api/events/a?channel=a%00b", "invalid_request"],
        ["/api/events/stream?eventType=a%00b", "invalid_request"],
      ];
      try {
        for (const [url, code] of mistakes) {
          const response = await read(logged, url);
          expect({ url, status: response.statusCode, code: response.json().error?.code }).toEqual({ url, status: 400, code });
        }
      } finally {
        await logged.close();
      }
      const levels = lines.map((line) => (JSON.parse(line) as { level: number }).level);
      expect(levels.filter((level) => level >= 40)).toEqual([]);
    });

    test("every accepted id can be fetched, up to 256 characters of any kind", async () => {
      const ids = [
        "a".repeat(256),
        "é".repeat(256),
        "\u{1F600}".repeat(128),
        ` /?#%&+=;:@!$'()*,[]"\\${"x".repeat(230)}`,
        "%2F..%2F%00",
      ];
      for (const id of ids) {
        const sample = loadSample("git.push.json");
        sample.event.id = id;
        expect((await post(app, JSON.stringify(sample.event), { path: "/hooks/team" })).statusCode).toBe(200);
        const fetched = await read(app, `/api/events/${encodeURIComponent(id)}?channel=team`);
        expect({ status: fetched.statusCode, id: fetched.json().id }).toEqual({ status: 200, id });
      }
      expectError(await post(app, JSON.stringify({ id: "a".repeat(257), eventType: "git.push" })), 400, "invalid_event");
    });
  });

  describe("read API", () => {
    test("pages newest first with an opaque cursor and filters by time", async () => {
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) {
        const sample = loadSample("git.push.json");
        ids.push(sample.id);
        await post(app, sample.raw);
        // The next one is received in a later millisecond, so newest first is one order.
        const now = Date.now();
        while (Date.now() === now) await new Promise((resolve) => setImmediate(resolve));
      }
      const seen: string[] = [];
      let url = "/api/events?limit=2";
      for (;;) {
        const page = (await read(app, url)).json();
        seen.push(...page.value.map((e: { id: string }) => e.id));
        if (page.next === null) break;
        url = `/api/events?limit=2&cursor=${page.next}`;
      }
      expect(seen).toEqual([...ids].reverse());

      const third = (await read(app, `/api/events/${ids[2]}`)).json();
      const since = (await read(app, `/api/events?since=${encodeURIComponent(third.receivedAt)}`)).json().value;
      expect(since.map((e: { id: string }) => e.id)).toEqual(ids.slice(2).reverse());
    });

    test("streams newly stored events as Server-Sent Events", async () => {
      await app.listen({ port: 0, host: "127.0.0.1" });
      const { port } = app.server.address() as AddressInfo;
      const received: string[] = [];
      const response = await new Promise<IncomingMessage>((resolve, reject) => {
        httpRequest({ host: "127.0.0.1", port, path: "/api/events/stream?eventType=git.push", headers: { authorization: `Bearer ${READ}` } }, resolve)
          .on("error", reject)
          .end();
      });
      expect(response.headers["content-type"]).toMatch(/^text\/event-stream/);
      response.setEncoding("utf8");
      let buffer = "";
      const gotTwo = new Promise<void>((resolve) => {
        response.on("data", (chunk: string) => {
          buffer += chunk;
          const events = buffer.split("\n\n").filter((block) => block.includes("event: hook"));
          received.splice(0, received.length, ...events);
          if (events.length >= 2) resolve();
        });
      });

      const push = loadSample("git.push.json");
      const pr = loadSample("git.pullrequest.created.json");
      const secondPush = loadSample("test-notification/git.push.json");
      await post(app, push.raw);
      await post(app, push.raw); // a duplicate is not announced again
      await post(app, pr.raw); // filtered out by eventType
      await post(app, secondPush.raw);
      await gotTwo;
      response.destroy();

      const data = received.map((block) => JSON.parse(/^data: (.*)$/m.exec(block)![1]));
      expect(data.map((e) => e.id)).toEqual([push.id, secondPush.id]);
      expect(received[0]).toMatch(new RegExp(`^id: ${data[0].position.replace(".", "\\.")}$`, "m"));
    });
  });

  describe("operations", () => {
    test("healthz, readyz and metrics", async () => {
      expect((await app.inject({ url: "/healthz" })).json()).toEqual({ status: "ok" });
      const durability = kind === "postgres" ? { synchronousCommit: "on" } : { journalMode: "WAL", synchronous: "FULL" };
      expect((await app.inject({ url: "/readyz" })).json()).toEqual({ status: "ready", store: kind, durability });
      const sample = loadSample("git.push.json");
      await post(app, sample.raw);
      await post(app, sample.raw);
      await post(app, sample.raw, { token: null });
      await post(app, "{", {});
      const metrics = (await app.inject({ url: "/metrics" })).body;
      expect(metrics).toMatch(/hookrelay_deliveries_total\{result="stored"\} 1\n/);
      expect(metrics).toMatch(/hookrelay_deliveries_total\{result="duplicate"\} 1\n/);
      expect(metrics).toMatch(/hookrelay_deliveries_total\{result="rejected_auth"\} 1\n/);
      expect(metrics).toMatch(/hookrelay_deliveries_total\{result="rejected_invalid"\} 1\n/);
      expect(metrics).toMatch(/hookrelay_ingest_duration_seconds_count 4\n/);
      expect(metrics).toMatch(/hookrelay_store_errors_total 0\n/);
    });

    test("retention removes old and excess events in the background sweep", async () => {
      const retained = build({ retention: { days: 1, maxRows: 2, chunkSize: 2 } });
      try {
        const facts = { eventType: "git.push", known: true, refs: [] };
        const old = Date.now() - 3 * 24 * 3600 * 1000;
        await store.recordBatch(
          ["old-1", "old-2", "old-3"].map((eventId, i) => ({ channel: "", eventId, facts, body: "{}", headers: {}, receivedAt: old + i })),
        );
        const fresh = [loadSample("git.push.json"), loadSample("git.push.json"), loadSample("git.push.json")];
        for (const sample of fresh) await post(retained, sample.raw);

        // The sweep that started with the server may be running: let it finish, then sweep once more.
        await retained.retention.sweep();
        await retained.retention.sweep();
        const left = (await read(retained, "/api/events")).json().value.map((e: { id: string }) => e.id);
        expect(left).toEqual([fresh[2].id, fresh[1].id]);
      } finally {
        await retained.close();
      }
    });
  });
});

describe("when the store fails", () => {
  const sample = () => loadSample("git.push.json").raw;

  function failingStore(overrides: Partial<EventStore>): EventStore {
    const refuse = async () => {
      throw new Error("connection refused");
    };
    return {
      kind: "postgres", ledger: unusedLedger(), recordBatch: refuse, query: refuse, eventsAfter: refuse, parsePosition: parseTransactionPosition, get: refuse, prune: refuse,
      ping: refuse, close: async () => undefined, ...overrides,
    };
  }

  test("answers 503 with Retry-After, never 500, and counts the store error", async () => {
    const app = buildServer({ store: failingStore({}), ingestTokens: [INGEST], readTokens: [READ] });
    const response = await post(app, sample());
    expect(response.statusCode).toBe(503);
    expect(response.headers["retry-after"]).toMatch(/^\d+$/);
    expect(response.json().error.code).toBe("store_unavailable");
    expect((await app.inject({ url: "/readyz" })).statusCode).toBe(503);
    expect((await app.inject({ url: "/metrics" })).body).toMatch(/hookrelay_store_errors_total 1\n/);
    expect((await app.inject({ url: "/metrics" })).body).toMatch(/hookrelay_deliveries_total\{result="unavailable"\} 1\n/);
    await app.close();
  });

  test("an unexpected error in a handler or a store answers 503 with Retry-After, never 500", async () => {
    const store = failingStore({
      query: async () => {
        throw new TypeError("Cannot read properties of undefined (reading 'rows')");
      },
      get: async () => {
        throw new RangeError("Invalid time value");
      },
      eventsAfter: async () => [],
    });
    const app = buildServer({ store, ingestTokens: [INGEST], readTokens: [READ] });
    try {
      for (const url of ["/api/events", "/api/events/some-id"]) {
        const response = await read(app, url);
        expect({ url, status: response.statusCode, code: response.json().error.code }).toEqual({ url, status: 503, code: "internal_error" });
        expect(response.headers["retry-after"]).toMatch(/^\d+$/);
      }
    } finally {
      await app.close();
    }
  });

  test("answers 503 when too many deliveries wait for a slow store", async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let writing!: () => void;
    const written = new Promise<void>((resolve) => (writing = resolve));
    const store = failingStore({
      recordBatch: async (deliveries) => {
        writing();
        await gate;
        return deliveries.map((_, i) => ({ duplicate: false, receiptCount: 1, rowId: String(i) }));
      },
    });
    const app = buildServer({ store, ingestTokens: [INGEST], readTokens: [READ], maxQueued: 2 });
    await app.ready();
    const first = post(app, sample());
    await written;
    const waiting = [post(app, sample()), post(app, sample())];
    const queueDepth = async () => /hookrelay_ingest_queue_depth (\d+)/.exec((await app.inject({ url: "/metrics" })).body)?.[1];
    while ((await queueDepth()) !== "2") await new Promise((resolve) => setImmediate(resolve));
    const refused = await post(app, sample());
    release();

    expect(refused.statusCode).toBe(503);
    expect(refused.json().error.code).toBe("overloaded");
    expect((await Promise.all([first, ...waiting])).map((r) => r.statusCode)).toEqual([200, 200, 200]);
    await app.close();
  });

  test("never logs a token", async () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const store = failingStore({});
    const app = buildServer({ store, ingestTokens: [INGEST], readTokens: [READ], logger: { level: "trace", stream } });
    await post(app, sample());
    await post(app, sample(), { token: "wrong-token-0123456789" });
    await read(app, "/api/events");
    await app.close();
    expect(lines.length).toBeGreaterThan(3);
    const log = lines.join("");
    for (const secret of [INGEST, READ, "wrong-token-0123456789"]) expect(log).not.toContain(secret);
  });

  test("logs one line per refused delivery and none per stored one", async () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const store = failingStore({
      recordBatch: async (deliveries) => deliveries.map((_, i) => ({ duplicate: false, receiptCount: 1, rowId: String(i + 1) })),
    });
    const app = buildServer({ store, ingestTokens: [INGEST], readTokens: [READ], logger: { level: "info", stream } });
    expect((await post(app, sample())).statusCode).toBe(200);
    expect((await post(app, sample(), { token: "wrong-token-0123456789" })).statusCode).toBe(401);
    await app.close();
    const entries = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(entries.filter((e) => e.msg === "delivery refused")).toEqual([
      expect.objectContaining({ statusCode: 401, result: "rejected_auth", route: "/hooks" }),
    ]);
    expect(entries.filter((e) => e.statusCode === 200 || e.res !== undefined)).toEqual([]);
    expect(lines.join("")).not.toContain("wrong-token-0123456789");
  });
});
