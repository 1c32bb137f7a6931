/** Shared test material: the official samples with fresh ids, an independent reading of their facts, stores. */
import { randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { samplesDirectory } from "../../src/contract/samples";
import { parseRowIdPosition } from "../../src/endpoint/cursor";
import { startTestPostgres, type TestPostgres } from "../support/postgres";
import { openStore, sqliteFilename } from "../../src/endpoint/store";
import { ThreadedSqliteStore } from "../../src/endpoint/store/sqliteThreaded";
import type { Delivery, EventStore } from "../../src/endpoint/store/types";
import type { ReconcileLedger } from "../../src/endpoint/reconcile/types";

export const SAMPLE_FILES = [
  "git.push.json",
  "test-notification/git.push.json",
  "git.pullrequest.created.json",
  "git.pullrequest.updated.json",
  "git.pullrequest.merged.json",
  "ms.vss-code.git-pullrequest-comment-event.json",
  "other-publishers/build.complete.json",
  "other-publishers/workitem.created.json",
];

export interface Sample {
  file: string;
  id: string;
  eventType: string;
  /** The file's text with only the top-level id replaced. */
  raw: string;
  event: Record<string, any>;
}

/** Loads a sample and gives it a fresh event id, keeping every other byte of the file. */
export function loadSample(file: string, id: string = randomUUID()): Sample {
  const text = readFileSync(join(samplesDirectory, file), "utf8");
  const original = JSON.parse(text) as Record<string, any>;
  const raw = text.replace(`"${original.id}"`, `"${id}"`);
  const event = JSON.parse(raw) as Record<string, any>;
  if (event.id !== id) throw new Error(`${file}: the first occurrence of its id is not the top-level one`);
  return { file, id, eventType: event.eventType, raw, event };
}

export interface ExpectedFacts {
  known: boolean;
  repositoryId?: string;
  repositoryName?: string;
  refs: string[];
  pullRequestId?: number;
  actor?: string;
  projectId?: string;
}

/** Read straight from the documented payload shapes, independently of src/contract/facts.ts. */
export function expectedFacts(event: Record<string, any>): ExpectedFacts {
  const r = event.resource ?? {};
  const projectId = event.resourceContainers?.project?.id;
  switch (event.eventType) {
    case "git.push":
      return {
        known: true,
        repositoryId: r.repository.id,
        repositoryName: r.repository.name,
        refs: r.refUpdates.map((u: { name: string }) => u.name),
        actor: r.pushedBy.uniqueName,
        projectId,
      };
    case "git.pullrequest.created":
    case "git.pullrequest.updated":
    case "git.pullrequest.merged":
      return pullRequest(r, r.createdBy.uniqueName, projectId);
    case "ms.vss-code.git-pullrequest-comment-event":
      return pullRequest(r.pullRequest, r.comment.author.uniqueName, projectId);
    default:
      return { known: false, refs: [], projectId };
  }
}

function pullRequest(pr: Record<string, any>, actor: string, projectId: string): ExpectedFacts {
  return {
    known: true,
    repositoryId: pr.repository.id,
    repositoryName: pr.repository.name,
    refs: [pr.targetRefName, pr.sourceRefName],
    pullRequestId: pr.pullRequestId,
    actor,
    projectId,
  };
}

export type StoreKind = "sqlite" | "sqlite-threaded" | "postgres";

/** The compiled writer-thread script the endpoint runs (`npm run build:node` makes it). */
export const BUILT_WRITER_SCRIPT = resolve(__dirname, "../../build/src/endpoint/store/sqliteWriterThread.js");

/** Fresh stores of one kind: one PostgreSQL server per factory, one database (or SQLite file) per store. */
export class StoreFactory {
  private pg: TestPostgres | undefined;
  private dirs: string[] = [];

  constructor(readonly kind: StoreKind) {}

  async url(): Promise<string> {
    if (this.kind === "postgres") {
      if (!this.pg) {
        this.pg = await startTestPostgres();
        return this.pg.url;
      }
      return this.pg.newDatabase();
    }
    const dir = mkdtempSync(join(tmpdir(), "hookrelay-sqlite-"));
    this.dirs.push(dir);
    return `sqlite:${join(dir, "events.db")}`;
  }

  async open(): Promise<EventStore> {
    const url = await this.url();
    if (this.kind === "sqlite-threaded") return ThreadedSqliteStore.open({ filename: sqliteFilename(url)! }, BUILT_WRITER_SCRIPT);
    return openStore(url);
  }

  async cleanup(): Promise<void> {
    await this.pg?.destroy();
    for (const dir of this.dirs) rmSync(dir, { recursive: true, force: true });
    this.pg = undefined;
    this.dirs = [];
  }
}

/** A ledger for test stores of endpoints that do not reconcile: every call fails. */
export function unusedLedger(): ReconcileLedger {
  const refuse = async (): Promise<never> => {
    throw new Error("this test store keeps no reconciliation records");
  };
  return {
    hasEvent: refuse, hasNaturalKey: refuse, countEvents: refuse, observeStatus: refuse, statusHistory: refuse, beginRun: refuse,
    finishRun: refuse, lastRun: refuse, lastSuccessfulRun: refuse, exclusively: refuse,
  };
}

/**
 * A store in memory for HTTP-level tests: it keeps what it is asked to commit in `stored`, and its
 * commits throw while `failing` is set; reads and pings keep working, as on a full disk.
 */
export function memoryStore(): EventStore & { failing: boolean; stored: Delivery[] } {
  return {
    kind: "sqlite",
    ledger: unusedLedger(),
    failing: false,
    stored: [],
    async recordBatch(deliveries) {
      // As better-sqlite3 reports it: the code tells the writer the store, not a row, failed.
      if (this.failing) throw Object.assign(new Error("SQLITE_FULL: database or disk is full"), { code: "SQLITE_FULL" });
      this.stored.push(...deliveries);
      return deliveries.map((_, i) => ({ duplicate: false, receiptCount: 1, rowId: String(i) }));
    },
    query: async () => ({ events: [] }),
    eventsAfter: async () => [],
    parsePosition: parseRowIdPosition,
    get: async () => undefined,
    prune: async () => 0,
    ping: async () => undefined,
    close: async () => undefined,
  };
}
