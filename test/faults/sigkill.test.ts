/**
 * SIGKILL at random points under load, restart, repeat: every delivery answered 2xx is stored
 * exactly once, and redeliveries of the unanswered ones (same id) are deduplicated. Each test
 * seeds its own store; the kill points come from a logged seed (FAULTS_SEED replays them).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, startEndpoint, type RunningEndpoint } from "./support/endpoint";
import { seededRandom } from "./support/seed";
import { Sender } from "./support/sender";
import { rowsPerEventId } from "./support/store";

const ROUNDS = 5;
const CONCURRENCY = 16;

describe("endpoint killed with SIGKILL during load", () => {
  let dataDir: string;
  let endpoint: RunningEndpoint | undefined;

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), "hookrelay-faults-kill-"));
  });

  afterEach(async () => {
    await endpoint?.kill();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test(`stores every acknowledged delivery exactly once across ${ROUNDS} kills`, async () => {
    const random = seededRandom("SIGKILL under load");
    const db = `sqlite:${join(dataDir, "hookrelay.db")}`;
    const port = await freePort();
    endpoint = await startEndpoint({ db, dataDir, port });
    const sender = new Sender(endpoint.url);
    let interrupted = 0;

    for (let round = 0; round < ROUNDS; round++) {
      const running = endpoint;
      const killAfterMs = random.between(300, 1200);
      const killed = new Promise((resolve) => setTimeout(resolve, killAfterMs)).then(() => running.kill("SIGKILL"));
      const before = sender.unanswered.size;
      // The sender keeps going while the process dies under it, as Azure DevOps would; what was in
      // flight fails and is redelivered later.
      await sender.run(CONCURRENCY, killed);
      interrupted += Math.max(0, sender.unanswered.size - before);
      endpoint = await startEndpoint({ db, dataDir, port });
      sender.retarget(endpoint.url);
    }

    // After the last restart, Azure DevOps' retries go through.
    await sender.drain();
    await endpoint.kill("SIGKILL");

    const rows = await rowsPerEventId(db);
    const acknowledged = [...sender.acknowledged];
    expect(sender.unanswered.size).toBe(0);
    expect(interrupted).toBeGreaterThan(0);
    expect(acknowledged.length).toBeGreaterThan(ROUNDS * CONCURRENCY);
    expect(acknowledged.filter((id) => rows.get(id) !== 1)).toEqual([]);
    // Nothing is stored that was never sent, and nothing twice.
    expect(rows.size).toBe(acknowledged.length);
    expect(sender.statuses.filter((s) => s >= 500 && s !== 503)).toEqual([]);
  });

  test("a redelivery after a SIGKILL of an event stored before it is answered duplicate and adds no row", async () => {
    const db = `sqlite:${join(dataDir, "hookrelay.db")}`;
    endpoint = await startEndpoint({ db, dataDir });
    const seeding = new Sender(endpoint.url);
    await seeding.run(4, new Promise((resolve) => setImmediate(resolve)));
    const storedIds = [...seeding.acknowledged];
    expect(storedIds.length).toBeGreaterThan(0);
    await endpoint.kill("SIGKILL");
    const before = await rowsPerEventId(db);
    expect([...before.keys()].sort()).toEqual([...storedIds].sort());

    endpoint = await startEndpoint({ db, dataDir });
    const sender = new Sender(endpoint.url);
    storedIds.forEach((id) => sender.unanswered.add(id));
    await sender.drain(1);
    await endpoint.kill("SIGKILL");

    expect([...sender.answeredDuplicate].sort()).toEqual([...storedIds].sort());
    expect(await rowsPerEventId(db)).toEqual(before);
  });
});
