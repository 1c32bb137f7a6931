/**
 * Store parity: one corpus of odd but valid events (extreme numbers, long facts, unicode edge
 * cases, NUL, empty strings, missing and null fields) through the whole HTTP path on each store.
 * Every event is acknowledged, read back as documented (see src/endpoint/store/storable.ts), found
 * by each of its facts, and every store gives the same answers.
 */
import { buildServer, type EndpointServer } from "../../src/endpoint/server";
import type { EventStore } from "../../src/endpoint/store/types";
import { loadSample, StoreFactory, type StoreKind } from "./helpers";

const INGEST = "parity-ingest-token-0123456789";
const READ = "parity-read-token-0123456789ab";

/** 950 three-byte characters: over PostgreSQL's 2704-byte index entry, under the read API's 1024-character filter. */
const WIDE = "€".repeat(950);
/** Longer than any filter the read API takes: checked by read-back only. */
const HUGE = "x".repeat(200_000);

interface Case {
  name: string;
  event: Record<string, any>;
  /** POST /hooks/<channel> rather than /hooks. */
  channel?: string;
  /** Fields of the stored summary, as documented. */
  stored: Record<string, unknown>;
  /** List queries that must find this event (and, with `only`, nothing else). */
  findBy?: Record<string, string | number>[];
}

function push(id: string, facts: { repository?: unknown; refUpdates?: unknown; pushedBy?: unknown; project?: unknown; createdDate?: unknown }) {
  const { event } = loadSample("git.push.json", id);
  if ("repository" in facts) event.resource.repository = facts.repository;
  if ("refUpdates" in facts) event.resource.refUpdates = facts.refUpdates;
  if ("pushedBy" in facts) event.resource.pushedBy = facts.pushedBy;
  if ("project" in facts) event.resourceContainers = facts.project === undefined ? undefined : { project: facts.project };
  if ("createdDate" in facts) event.createdDate = facts.createdDate;
  return event;
}

function pullRequest(id: string, pullRequestId: unknown) {
  const { event } = loadSample("git.pullrequest.created.json", id);
  event.resource.pullRequestId = pullRequestId;
  return event;
}

/** PostgreSQL writes these quoted in an array literal; the driver must read them back as they were. */
const QUOTED_REFS = ["NULL", 'a"b', "a,b", "{x}", "a\\b", " spaced ", "\t"].map((name) => `refs/heads/${name}`);

const refs = (...names: unknown[]) => names.map((name) => ({ name, oldObjectId: "0".repeat(40), newObjectId: "1".repeat(40) }));

const CORPUS: Case[] = [
  { name: "pull request id 2^31", event: pullRequest("pr-2-31", 2 ** 31), stored: { pullRequestId: 2 ** 31 }, findBy: [{ pullRequestId: 2 ** 31 }] },
  { name: "largest safe pull request id", event: pullRequest("pr-max", Number.MAX_SAFE_INTEGER), stored: { pullRequestId: Number.MAX_SAFE_INTEGER }, findBy: [{ pullRequestId: Number.MAX_SAFE_INTEGER }] },
  { name: "unsafe pull request id is not a fact", event: pullRequest("pr-unsafe", 2 ** 60), stored: { pullRequestId: null } },
  { name: "negative pull request id", event: pullRequest("pr-negative", -5), stored: { pullRequestId: -5 } },
  { name: "fractional pull request id", event: pullRequest("pr-fraction", 1.5), stored: { pullRequestId: null } },
  { name: "pull request id as a string", event: pullRequest("pr-string", "12"), stored: { pullRequestId: null } },
  {
    name: "every fact ~2,850 bytes",
    event: push("wide-a", {
      repository: { id: `${WIDE}-id-a`, name: `${WIDE}-name-a` },
      refUpdates: refs(`refs/heads/${WIDE}-a`),
      pushedBy: { uniqueName: `${WIDE}-actor-a` },
      project: { id: `${WIDE}-project-a` },
      createdDate: `${WIDE}-date`,
    }),
    stored: {
      repositoryId: `${WIDE}-id-a`,
      repositoryName: `${WIDE}-name-a`,
      refs: [`refs/heads/${WIDE}-a`],
      actor: `${WIDE}-actor-a`,
      projectId: `${WIDE}-project-a`,
      createdDate: `${WIDE}-date`,
    },
    findBy: [
      { repository: `${WIDE}-id-a` },
      { repository: `${WIDE}-name-a` },
      { branch: `${WIDE}-a` },
      { actor: `${WIDE}-actor-a` },
      { projectId: `${WIDE}-project-a` },
    ],
  },
  {
    name: "long facts that share their first 950 characters",
    event: push("wide-b", {
      repository: { id: `${WIDE}-id-b`, name: `${WIDE}-name-b` },
      refUpdates: refs(`refs/heads/${WIDE}-b`),
      pushedBy: { uniqueName: `${WIDE}-actor-b` },
      project: { id: `${WIDE}-project-b` },
    }),
    stored: { repositoryName: `${WIDE}-name-b`, refs: [`refs/heads/${WIDE}-b`] },
    findBy: [{ repository: `${WIDE}-name-b` }, { branch: `${WIDE}-b` }, { actor: `${WIDE}-actor-b` }, { projectId: `${WIDE}-project-b` }],
  },
  {
    name: "facts of 200,000 characters",
    event: push("huge", { repository: { id: HUGE, name: HUGE }, refUpdates: refs(`refs/heads/${HUGE}`), pushedBy: { uniqueName: HUGE }, project: { id: HUGE } }),
    stored: { repositoryId: HUGE, repositoryName: HUGE, refs: [`refs/heads/${HUGE}`], actor: HUGE, projectId: HUGE },
  },
  {
    name: "lone surrogates in facts become U+FFFD",
    event: push("lone-surrogates", {
      repository: { id: "\udc00id", name: "repo-\ud800-x" },
      refUpdates: refs("refs/heads/\ud83d"),
      pushedBy: { uniqueName: "actor\udfff" },
      project: { id: "\ud800\ud800" },
    }),
    stored: { repositoryId: "\ufffdid", repositoryName: "repo-\ufffd-x", refs: ["refs/heads/\ufffd"], actor: "actor\ufffd", projectId: "\ufffd\ufffd" },
    findBy: [{ repository: "repo-\ufffd-x" }, { repository: "\ufffdid" }, { branch: "\ufffd" }, { actor: "actor\ufffd" }, { projectId: "\ufffd\ufffd" }],
  },
  {
    name: "NUL in facts becomes U+FFFD",
    event: push("nul", {
      repository: { id: "\u0000", name: "a\u0000b" },
      refUpdates: refs("refs/heads/x\u0000"),
      pushedBy: { uniqueName: "nul\u0000actor" },
      project: { id: "p\u0000" },
      createdDate: "2024\u0000",
    }),
    stored: { repositoryId: "\ufffd", repositoryName: "a\ufffdb", refs: ["refs/heads/x\ufffd"], actor: "nul\ufffdactor", projectId: "p\ufffd", createdDate: "2024\ufffd" },
    findBy: [{ repository: "a\ufffdb" }, { branch: "x\ufffd" }, { actor: "nul\ufffdactor" }],
  },
  {
    name: "characters outside the BMP, combining marks, right-to-left text",
    event: push("astral", { repository: { id: "😀🏳️‍🌈", name: "e\u0301\u202eגיט" }, pushedBy: { uniqueName: "𝔘𝔫𝔦" } }),
    stored: { repositoryId: "😀🏳️‍🌈", repositoryName: "e\u0301\u202eגיט", actor: "𝔘𝔫𝔦" },
    findBy: [{ repository: "😀🏳️‍🌈" }, { repository: "e\u0301\u202eגיט" }, { actor: "𝔘𝔫𝔦" }],
  },
  {
    name: "refs that need quoting in an array",
    event: push("quoted-refs", { refUpdates: refs(...QUOTED_REFS, "refs/heads/dup", "refs/heads/dup") }),
    stored: { refs: [...QUOTED_REFS, "refs/heads/dup", "refs/heads/dup"] },
    findBy: [...QUOTED_REFS.map((ref) => ({ ref })), { branch: "dup" }],
  },
  {
    name: "empty strings are no facts",
    event: push("empty", { repository: { id: "", name: "" }, refUpdates: refs(""), pushedBy: { uniqueName: "", displayName: "" }, project: { id: "" }, createdDate: "" }),
    stored: { repositoryId: null, repositoryName: null, refs: [], actor: null, projectId: null, createdDate: null },
  },
  {
    name: "null fields",
    event: push("nulls", { repository: null, refUpdates: null, pushedBy: null, project: null, createdDate: null }),
    stored: { repositoryId: null, repositoryName: null, refs: [], actor: null, projectId: null, createdDate: null },
  },
  {
    name: "missing fields",
    event: { id: "bare", eventType: "git.push" },
    stored: { known: true, repositoryId: null, repositoryName: null, refs: [], actor: null, projectId: null, createdDate: null, pullRequestId: null },
  },
  {
    name: "facts of the wrong type",
    event: push("wrong-types", { repository: { id: 5, name: ["x"] }, refUpdates: refs(7, null, { a: 1 }), pushedBy: "someone", project: { id: true }, createdDate: 17 }),
    stored: { repositoryId: null, repositoryName: null, refs: [], actor: null, projectId: null, createdDate: null },
  },
  {
    name: "an unknown event type in unicode, on a channel",
    event: { id: "custom", eventType: "custom.ünïcødé.😀", resource: { repository: { id: "ignored" } } },
    channel: "parity.channel",
    stored: { known: false, eventType: "custom.ünïcødé.😀", channel: "parity.channel", repositoryId: null },
    findBy: [{ eventType: "custom.ünïcødé.😀" }, { channel: "parity.channel" }],
  },
];

type Transcript = Record<string, unknown>[];
const transcripts = new Map<StoreKind, Transcript>();

/** The body of a case as a client sends it: JSON.stringify writes lone surrogates and NUL as escapes. */
const rawOf = (c: Case) => JSON.stringify(c.event);

describe.each<StoreKind>(["sqlite", "sqlite-threaded", "postgres"])("odd events on %s", (kind) => {
  const stores = new StoreFactory(kind);
  let store: EventStore;
  let app: EndpointServer;

  beforeAll(async () => {
    store = await stores.open();
    app = buildServer({ store, ingestTokens: [INGEST], readTokens: [READ] });
  });
  afterAll(async () => {
    await app.close();
    await store.close();
    await stores.cleanup();
  });

  const post = (c: Case) =>
    app.inject({
      method: "POST",
      url: c.channel ? `/hooks/${c.channel}` : "/hooks",
      headers: { authorization: `Bearer ${INGEST}`, "content-type": "application/json" },
      payload: rawOf(c),
    });
  const read = async (path: string, query: Record<string, string | number> = {}) => {
    const search = new URLSearchParams(Object.entries(query).map(([k, v]) => [k, String(v)]));
    const response = await app.inject({ url: `${path}?${search}`, headers: { authorization: `Bearer ${READ}` } });
    return { status: response.statusCode, body: response.json() };
  };

  test("acknowledges every event, twice, and reads each back as documented", async () => {
    const transcript: Transcript = [];
    // All at once, so they share group commits as real deliveries would.
    const first = await Promise.all(CORPUS.map(post));
    const again = await Promise.all(CORPUS.map(post));
    for (const [i, c] of CORPUS.entries()) {
      expect({ name: c.name, status: first[i].statusCode, body: first[i].json() }).toEqual({
        name: c.name,
        status: 200,
        body: { id: c.event.id, duplicate: false, receiptCount: 1 },
      });
      expect({ name: c.name, body: again[i].json() }).toEqual({ name: c.name, body: { id: c.event.id, duplicate: true, receiptCount: 2 } });

      const { status, body } = await read(`/api/events/${encodeURIComponent(c.event.id)}`, c.channel ? { channel: c.channel } : {});
      expect({ name: c.name, status }).toEqual({ name: c.name, status: 200 });
      expect(body).toMatchObject({ id: c.event.id, receiptCount: 2, ...c.stored });
      expect(body.body).toBe(rawOf(c));
      const { rowId, position, receivedAt, lastReceivedAt, ...stable } = body;
      transcript.push({ name: c.name, post: first[i].json(), again: again[i].json(), stored: stable });
    }
    transcripts.set(kind, transcript);
  });

  test("finds each event by each of its facts, and nothing else", async () => {
    for (const c of CORPUS) {
      for (const filter of c.findBy ?? []) {
        const { status, body } = await read("/api/events", { ...filter, limit: 500 });
        expect({ name: c.name, filter, status, ids: body.value?.map((e: { id: string }) => e.id) }).toEqual({
          name: c.name,
          filter,
          status: 200,
          ids: [c.event.id],
        });
      }
    }
  });

  test("lists every event with the same facts as its single read", async () => {
    const { body } = await read("/api/events", { limit: 500 });
    expect(body.value).toHaveLength(CORPUS.length);
    for (const summary of body.value) {
      const single = await read(`/api/events/${encodeURIComponent(summary.id)}`, summary.channel ? { channel: summary.channel } : {});
      const { body: raw, headers, ...facts } = single.body;
      expect(summary).toEqual(facts);
    }
  });
});

test("every store answered and read back the same", () => {
  const sqlite = transcripts.get("sqlite");
  expect(sqlite).toHaveLength(CORPUS.length);
  expect(transcripts.get("sqlite-threaded")).toEqual(sqlite);
  expect(transcripts.get("postgres")).toEqual(sqlite);
});
