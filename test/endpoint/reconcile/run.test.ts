/** A whole run's account for an event type the Git history cannot give back (pull request updates). */
import { randomUUID } from "node:crypto";
import { startDevhost } from "../../devhost/support/devhost";
import { publish } from "../../../src/devhost/core/publish";
import { AdoClient } from "../../../src/endpoint/reconcile/client";
import { reconcileOnce } from "../../../src/endpoint/reconcile/run";
import { MemoryLedger } from "./memoryLedger";
import { subscribe } from "./subscribe";

test("updates: the failed one is recovered from history, the dropped ones are reported with their window", async () => {
  const devhost = await startDevhost({ timeScale: 0.01 });
  try {
    const id = randomUUID();
    subscribe(devhost.state, { id, eventType: "git.pullrequest.updated", url: "http://127.0.0.1:9/hooks/updates" });
    const failed = publish(devhost.state, devhost.engine, { eventType: "git.pullrequest.updated" });
    await devhost.engine.idle();
    const dropped = publish(devhost.state, devhost.engine, { eventType: "git.pullrequest.updated" });
    expect(dropped.dropped).toEqual([id]);

    const ledger = new MemoryLedger();
    const client = new AdoClient({ organizationUrl: devhost.rootPath, token: devhost.personalAccessToken });
    const [report] = await reconcileOnce({
      client,
      ledger,
      record: ledger.record,
      publicUrls: ["http://127.0.0.1:9/"],
      windowMs: 3_600_000,
      collectionId: devhost.state.data.collectionId,
    });
    expect(report).toMatchObject({
      eventType: "git.pullrequest.updated",
      channel: "updates",
      status: "onProbation",
      history: { unsettled: 1, recovered: 1, alreadyHeld: 0, truncated: 0 },
      unrecoverable: [{ reason: "event_type_not_rebuildable", window: { status: "onProbation", from: expect.any(String) } }],
    });
    expect(report.git).toBeUndefined();
    expect(ledger.stored.map((d) => [d.eventId, d.origin])).toEqual([[failed.event.id, "recovered"]]);
  } finally {
    devhost.engine.close();
    await devhost.close();
  }
});
