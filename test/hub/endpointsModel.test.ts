import { SubscriptionStatus, type Subscription } from "azure-devops-extension-api/ServiceHooks";
import { combineHealth, endpointKey, groupByEndpoint, worstOf } from "../../src/hub/endpoints/grouping";
import type { RowHealth } from "../../src/hub/model/notifications";
import type { SubscriptionRow } from "../../src/hub/model/tableView";
import { runBatch } from "../../src/hub/services/batch";

function row(id: string, url: string | undefined, status?: SubscriptionStatus, health?: RowHealth): SubscriptionRow {
  return { subscription: { id, status, consumerInputs: url ? { url } : {} } as Subscription, health };
}

const ok = (delivered: number, failed: number): RowHealth => ({ delivered, failed, kept: delivered + failed });

describe("grouping by endpoint", () => {
  test("one group per endpoint URL, in the order of the rows, however the host is cased", () => {
    const groups = groupByEndpoint([
      row("a", "https://hooks.example.com/hooks"),
      row("b", "https://other.example.com/hooks"),
      row("c", "https://HOOKS.example.com:443/hooks"),
      row("d", "https://hooks.example.com/Hooks"),
      row("e", undefined),
    ]);
    expect(groups.map((g) => [g.url, g.rows.map((r) => r.subscription.id)])).toEqual([
      ["https://hooks.example.com/hooks", ["a", "c"]],
      ["https://other.example.com/hooks", ["b"]],
      ["https://hooks.example.com/Hooks", ["d"]],
      ["", ["e"]],
    ]);
    expect(endpointKey("not a url")).toBe("not a url");
  });

  test("the worst status is the one that needs attention most: disabled by Azure DevOps, then probation, then disabled by a user", () => {
    const worst = (...statuses: (SubscriptionStatus | undefined)[]) => worstOf(statuses.map((status, i) => ({ id: String(i), status }) as Subscription)).status;
    expect(worst(undefined, SubscriptionStatus.DisabledByUser, SubscriptionStatus.OnProbation)).toBe(SubscriptionStatus.OnProbation);
    expect(worst(SubscriptionStatus.DisabledBySystem, SubscriptionStatus.OnProbation)).toBe(SubscriptionStatus.DisabledBySystem);
    expect(worst(SubscriptionStatus.DisabledBySystem, SubscriptionStatus.DisabledByInactiveIdentity)).toBe(SubscriptionStatus.DisabledByInactiveIdentity);
    expect(worst(SubscriptionStatus.Enabled, SubscriptionStatus.DisabledByUser)).toBe(SubscriptionStatus.DisabledByUser);
    expect(worst(undefined, SubscriptionStatus.Enabled)).toBeUndefined();
  });

  test("the combined success rate counts every delivery of the subscriptions whose history has loaded", () => {
    const combined = combineHealth([
      row("a", "u", undefined, ok(5, 1)),
      row("b", "u", undefined, ok(0, 4)),
      row("c", "u", undefined, { unavailable: "You need a permission" }),
      row("d", "u"),
    ]);
    expect(combined).toEqual({ delivered: 5, failed: 5, successRate: 0.5, loaded: 3, unavailable: 1 });
    expect(combineHealth([row("a", "u", undefined, ok(0, 0))]).successRate).toBeUndefined();
  });
});

describe("runBatch", () => {
  test("keeps at most `concurrency` requests in flight, settles every item and keeps each failure with its item", async () => {
    let inFlight = 0;
    let most = 0;
    const settled: number[] = [];
    const outcomes = await runBatch(
      [1, 2, 3, 4, 5, 6, 7],
      async (n) => {
        inFlight++;
        most = Math.max(most, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 0));
        inFlight--;
        if (n % 3 === 0) throw new Error(`refused ${n}`);
      },
      { concurrency: 3, onSettled: (o) => settled.push(o.item) },
    );
    expect(most).toBe(3);
    expect(settled.sort()).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(outcomes.map((o) => o.item)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(outcomes.filter((o) => o.error).map((o) => (o.error as Error).message)).toEqual(["refused 3", "refused 6"]);
  });

  test("an empty batch does nothing", async () => {
    expect(await runBatch([], async () => undefined)).toEqual([]);
  });
});
