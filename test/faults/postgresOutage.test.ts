/**
 * PostgreSQL stopped under load: the endpoint answers 503 with Retry-After (never 500), keeps
 * running, recovers by itself when PostgreSQL is back, and loses nothing it acknowledged.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startTestPostgres, type TestPostgres } from "../support/postgres";
import { startEndpoint, type RunningEndpoint } from "./support/endpoint";
import { Sender } from "./support/sender";
import { rowsPerEventId } from "./support/store";
import { until } from "./support/wait";

async function readyStatus(url: string): Promise<number> {
  return fetch(`${url}/readyz`, { signal: AbortSignal.timeout(5000) }).then((r) => r.status);
}

describe("PostgreSQL stopped mid-load", () => {
  let postgres: TestPostgres;
  let dataDir: string;
  let endpoint: RunningEndpoint | undefined;

  beforeAll(async () => {
    postgres = await startTestPostgres();
    dataDir = mkdtempSync(join(tmpdir(), "hookrelay-faults-pg-"));
  });

  afterAll(async () => {
    await endpoint?.kill();
    await postgres?.destroy();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test("503 + Retry-After while it is down, recovery without restart, nothing acknowledged lost", async () => {
    endpoint = await startEndpoint({ db: postgres.url, dataDir });
    const sender = new Sender(endpoint.url);
    let readyWhileDown = 0;

    const outage = (async () => {
      await until("deliveries are stored", () => sender.acknowledged.size >= 20);
      await postgres.stop();
      const stoppedAt = sender.statuses.length;
      await until("a delivery was refused", () => sender.statuses.slice(stoppedAt).includes(503));
      readyWhileDown = await readyStatus(endpoint!.url);
      await postgres.start();
      const startedAt = sender.statuses.length;
      await until("a delivery was stored again", () => sender.statuses.slice(startedAt).includes(200));
    })();
    await sender.run(8, outage, 30_000);
    const answersAfterOutage = sender.answers.length;
    await sender.drain();

    const statuses = new Set(sender.statuses);
    expect(statuses).toEqual(new Set([200, 503]));
    expect(sender.answers.filter((a) => a.status === 503 && !(Number(a.retryAfter) > 0))).toEqual([]);
    expect(readyWhileDown).toBe(503);
    // The same process takes deliveries again once PostgreSQL is back.
    expect(endpoint.alive()).toBe(true);
    expect(await readyStatus(endpoint.url)).toBe(200);
    expect(sender.answers.slice(answersAfterOutage).every((a) => a.status === 200)).toBe(true);
    expect(sender.unanswered.size).toBe(0);

    const rows = await rowsPerEventId(postgres.url);
    expect([...sender.acknowledged].filter((id) => rows.get(id) !== 1)).toEqual([]);
    expect(rows.size).toBe(sender.acknowledged.size);
  });
});
