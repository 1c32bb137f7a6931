/**
 * A stand-in for Azure DevOps' delivery loop: posts events with fresh ids, remembers which ones
 * were answered 2xx, and redelivers the unanswered ones with the same id, as the service does
 * for 503s and timeouts.
 */
import { randomUUID } from "node:crypto";
import type { GitEventType } from "../../../src/contract/events";
import { gitEventTypes } from "../../../src/contract/events";
import { loadSample } from "../../../src/contract/samples";
import { INGEST_TOKEN } from "./endpoint";

export interface Answer {
  status: number;
  retryAfter: string | null;
  body: unknown;
}

/** One event of each type, serialised once; `bodyFor(id)` swaps in a fresh id. */
const templates = gitEventTypes.map((type: GitEventType) => {
  const PLACEHOLDER = "00000000-0000-4000-8000-000000000000";
  const [prefix, suffix] = JSON.stringify({ ...loadSample(type), id: PLACEHOLDER }).split(PLACEHOLDER);
  return (id: string) => prefix + id + suffix;
});

export function bodyFor(id: string): string {
  return templates[id.charCodeAt(0) % templates.length](id);
}

/** POSTs one delivery; a network failure or timeout resolves as status 0. */
export async function deliver(url: string, id: string, timeoutMs = 5000): Promise<Answer> {
  try {
    const response = await fetch(`${url}/hooks`, {
      method: "POST",
      headers: { authorization: `Bearer ${INGEST_TOKEN}`, "content-type": "application/json" },
      body: bodyFor(id),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // keep the text
    }
    return { status: response.status, retryAfter: response.headers.get("retry-after"), body };
  } catch {
    return { status: 0, retryAfter: null, body: undefined };
  }
}

export class Sender {
  /** Ids answered 2xx, in order of first acknowledgement. */
  readonly acknowledged = new Set<string>();
  /** Ids sent but not (yet) answered 2xx: they will be redelivered. */
  readonly unanswered = new Set<string>();
  /** Every status seen, for assertions such as "never 500". */
  readonly statuses: number[] = [];
  readonly answers: Answer[] = [];
  /** Ids whose redelivery was answered duplicate: true. */
  readonly answeredDuplicate = new Set<string>();

  constructor(private url: string) {}

  retarget(url: string): void {
    this.url = url;
  }

  /** The next id to send: a redelivery first, else a fresh event. */
  private nextId(): { id: string; redelivery: boolean } {
    for (const id of this.unanswered) {
      this.unanswered.delete(id);
      return { id, redelivery: true };
    }
    return { id: randomUUID(), redelivery: false };
  }

  private async sendOne(): Promise<void> {
    const { id, redelivery } = this.nextId();
    const answer = await deliver(this.url, id);
    this.statuses.push(answer.status);
    this.answers.push(answer);
    if (answer.status >= 200 && answer.status < 300) {
      this.acknowledged.add(id);
      if (redelivery && (answer.body as { duplicate?: boolean }).duplicate) this.answeredDuplicate.add(id);
    } else {
      this.unanswered.add(id);
    }
  }

  /**
   * Keeps `concurrency` deliveries in flight until `stop()` resolves, then waits for those in flight.
   * Bounded by `maxMs` in any case.
   */
  async run(concurrency: number, stop: Promise<unknown>, maxMs = 10_000): Promise<void> {
    let stopped = false;
    const timer = setTimeout(() => (stopped = true), maxMs);
    void stop.then(() => (stopped = true));
    const lane = async () => {
      while (!stopped) await this.sendOne();
    };
    await Promise.all(Array.from({ length: concurrency }, lane));
    clearTimeout(timer);
  }

  /** Redelivers every unanswered id until all are acknowledged or `maxRounds` passes run out. */
  async drain(maxRounds = 20): Promise<void> {
    for (let round = 0; round < maxRounds && this.unanswered.size > 0; round++) {
      const ids = [...this.unanswered];
      this.unanswered.clear();
      for (const id of ids) {
        const answer = await deliver(this.url, id);
        this.statuses.push(answer.status);
        this.answers.push(answer);
        if (answer.status >= 200 && answer.status < 300) {
          this.acknowledged.add(id);
          if ((answer.body as { duplicate?: boolean }).duplicate) this.answeredDuplicate.add(id);
        } else {
          this.unanswered.add(id);
        }
      }
      if (this.unanswered.size > 0) await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}
