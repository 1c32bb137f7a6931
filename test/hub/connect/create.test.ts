import type { Subscription } from "azure-devops-extension-api/ServiceHooks";
import { CONSUMER_ID } from "../../../src/contract";
import { DEFAULT_CONCURRENCY } from "../../../src/hub/services/batch";
import { createMissing, createPlanned, isSameSubscription, retryFailed, type CreateOutcome, type SubscriptionCreator } from "../../../src/hub/connect/create";
import { initialChoices, planSubscriptions, type PlannedSubscription } from "../../../src/hub/connect/plan";

const context = { projectId: "00aa00aa-bb11-cc22-dd33-44ee44ee44ee", consumerId: CONSUMER_ID };

function plan(repositoryIds = ["repo-a", "repo-b", "repo-c"]): PlannedSubscription[] {
  const initial = initialChoices();
  return planSubscriptions(
    { ...initial, inputs: { ...initial.inputs, url: "https://hooks.example.com/hooks", token: "a-long-enough-token-123" }, scope: "repositories", repositoryIds },
    context,
  );
}

/**
 * An in-memory Azure DevOps: stores what it is asked to create, as the service does (adding its own
 * publisher inputs), and fails the creates `failWhen` picks, before or after storing.
 */
class FakeService implements SubscriptionCreator {
  readonly stored: Subscription[] = [];
  readonly posted: Subscription[] = [];
  inFlight = 0;
  maxInFlight = 0;
  failWhen: (body: Subscription, attempt: number) => "refuse" | "lose-answer" | undefined = () => undefined;
  existingCalls = 0;
  existingFails = false;

  async create(body: Subscription): Promise<Subscription> {
    this.posted.push(body);
    const attempt = this.posted.filter((b) => b === body).length;
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      // Yield, so the other creates in flight start before this one settles.
      await new Promise((resolve) => setTimeout(resolve, 0));
      const failure = this.failWhen(body, attempt);
      if (failure === "refuse") throw Object.assign(new Error("TF400733: The request has been canceled."), { status: 429 });
      const saved = { ...body, id: `sub-${this.stored.length + 1}`, publisherInputs: { ...body.publisherInputs, tfsSubscriptionId: "x", hostId: "y" } } as Subscription;
      this.stored.push(saved);
      // The service made it, but the answer never came back.
      if (failure === "lose-answer") throw Object.assign(new Error("The operation timed out."), { name: "NetworkException" });
      return saved;
    } finally {
      this.inFlight--;
    }
  }

  async existing(): Promise<Subscription[]> {
    this.existingCalls++;
    if (this.existingFails) throw Object.assign(new Error("Service unavailable"), { status: 503 });
    return [...this.stored];
  }
}

const states = (outcomes: ReadonlyMap<string, CreateOutcome>) => [...outcomes.values()].map((o) => o.state);

test("creates every planned subscription, never more than four at a time, reporting each start and result", async () => {
  const service = new FakeService();
  const events: string[] = [];
  const outcomes = await createPlanned(plan(), service, { onOutcome: (key, o) => events.push(`${key}:${o.state}`) });
  expect(service.stored).toHaveLength(15);
  expect(service.maxInFlight).toBe(DEFAULT_CONCURRENCY);
  expect(states(outcomes)).toEqual(Array(15).fill("created"));
  expect(events.filter((e) => e.endsWith(":pending"))).toHaveLength(15);
  expect(events.filter((e) => e.endsWith(":created"))).toHaveLength(15);
});

test("a partial failure keeps Azure DevOps's error for each failed subscription and the rest are created", async () => {
  const service = new FakeService();
  service.failWhen = (body) => (body.publisherInputs.repository === "repo-b" ? "refuse" : undefined);
  const outcomes = await createPlanned(plan(), service);
  expect(service.stored).toHaveLength(10);
  const failed = [...outcomes].filter(([, o]) => o.state === "failed");
  expect(failed.map(([key]) => key.split("|")[1])).toEqual(Array(5).fill("repo-b"));
  expect(failed.map(([, o]) => (o as { error: Error }).error.message)).toEqual(Array(5).fill("TF400733: The request has been canceled."));
});

test("a retry posts only the failed subscriptions and keeps the earlier successes", async () => {
  const service = new FakeService();
  service.failWhen = (body, attempt) => (body.publisherInputs.repository === "repo-b" && attempt === 1 ? "refuse" : undefined);
  const items = plan();
  const first = await createPlanned(items, service);
  const postedBefore = service.posted.length;
  const retried = await retryFailed(items, first, service);
  expect(service.posted.slice(postedBefore).map((b) => b.publisherInputs.repository)).toEqual(Array(5).fill("repo-b"));
  expect(states(retried)).toEqual(Array(15).fill("created"));
  for (const [key, outcome] of first) if (outcome.state === "created") expect(retried.get(key)).toBe(outcome);
  expect(service.stored).toHaveLength(15);
});

test("nothing is created twice when a create's answer was lost: the retry finds it first", async () => {
  const service = new FakeService();
  service.failWhen = (body, attempt) => (body.eventType === "git.push" && attempt === 1 ? "lose-answer" : undefined);
  const items = plan();
  const first = await createPlanned(items, service);
  expect(states(first).filter((s) => s === "failed")).toHaveLength(3);
  expect(service.stored).toHaveLength(15);

  const postedBefore = service.posted.length;
  const retried = await retryFailed(items, first, service);
  expect(service.existingCalls).toBe(1);
  expect(service.posted.length).toBe(postedBefore);
  expect(service.stored).toHaveLength(15);
  const found = items.filter((i) => i.eventType === "git.push").map((i) => retried.get(i.key));
  expect(found.map((o) => o?.state === "created" && o.found === "lost-answer" && o.subscription.publisherInputs.repository)).toEqual(["repo-a", "repo-b", "repo-c"]);
});

test("when the lookup fails, the failed ones stay failed with its error and nothing is posted", async () => {
  const service = new FakeService();
  service.failWhen = (body, attempt) => (body.publisherInputs.repository === "repo-c" && attempt === 1 ? "refuse" : undefined);
  const items = plan();
  const first = await createPlanned(items, service);
  service.existingFails = true;
  const postedBefore = service.posted.length;
  const retried = await retryFailed(items, first, service);
  expect(service.posted.length).toBe(postedBefore);
  const failed = [...retried.values()].filter((o) => o.state === "failed") as { error: Error }[];
  expect(failed.map((o) => o.error.message)).toEqual(Array(5).fill("Service unavailable"));
});

test("connecting again creates only what is not there yet", async () => {
  const service = new FakeService();
  await createPlanned(plan(["repo-a", "repo-b"]), service);
  const postedBefore = service.posted.length;
  const outcomes = await createMissing(plan(["repo-a", "repo-b", "repo-c"]), service);
  expect(service.posted.slice(postedBefore).map((b) => b.publisherInputs.repository)).toEqual(Array(5).fill("repo-c"));
  const found = [...outcomes.values()].map((o) => (o.state === "created" ? (o.found ?? "new") : o.state));
  expect(found.filter((f) => f === "earlier")).toHaveLength(10);
  expect(found.filter((f) => f === "new")).toHaveLength(5);
  expect(service.stored).toHaveLength(15);
});

test("when the first lookup fails, everything is created", async () => {
  const service = new FakeService();
  service.existingFails = true;
  const outcomes = await createMissing(plan(), service);
  expect(service.existingCalls).toBe(1);
  expect(states(outcomes)).toEqual(Array(15).fill("created"));
});

describe("isSameSubscription", () => {
  const [planned] = plan(["Repo-A"]);
  const existing = {
    ...planned.body,
    id: "s1",
    consumerId: planned.body.consumerId.toUpperCase(),
    publisherInputs: { ...planned.body.publisherInputs, repository: "repo-a", tfsSubscriptionId: "t", hostId: "h" },
    consumerInputs: { ...planned.body.consumerInputs, token: "********" },
  } as Subscription;

  test("ignores what Azure DevOps adds, id case and masked tokens", () => {
    expect(isSameSubscription(existing, planned.body)).toBe(true);
  });

  test("tells apart another endpoint, event, action, repository or branch", () => {
    const differs = (change: Partial<Subscription>) => isSameSubscription({ ...existing, ...change } as Subscription, planned.body);
    expect(differs({ consumerInputs: { ...existing.consumerInputs, url: "https://other.example.com/hooks" } })).toBe(false);
    expect(differs({ eventType: "git.pullrequest.created" })).toBe(false);
    expect(differs({ consumerActionId: "Deliver" })).toBe(false);
    expect(differs({ publisherInputs: { ...existing.publisherInputs, repository: "repo-b" } })).toBe(false);
    expect(differs({ publisherInputs: { ...existing.publisherInputs, branch: "main" } })).toBe(false);
  });

  test("a branch matches with or without refs/heads/", () => {
    const withBranch = { ...planned.body, publisherInputs: { ...planned.body.publisherInputs, branch: "main" } } as Subscription;
    expect(isSameSubscription({ ...existing, publisherInputs: { ...existing.publisherInputs, branch: "refs/heads/main" } } as Subscription, withBranch)).toBe(true);
  });
});
