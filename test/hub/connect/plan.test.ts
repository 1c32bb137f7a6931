import { CONSUMER_ID, gitEventTypes } from "../../../src/contract";
import { subscriptionBody } from "../../../src/hub/model/subscriptionForm";
import { describePlan, initialChoices, planSubscriptions, validateChoices, type ConnectChoices } from "../../../src/hub/connect/plan";

const context = { projectId: "00aa00aa-bb11-cc22-dd33-44ee44ee44ee", consumerId: CONSUMER_ID };
const endpoint = { url: "https://hooks.example.com/hooks", token: "a-long-enough-token-123" };
const REPOS = ["repo-a", "repo-b", "repo-c"];

function choices(change: Partial<ConnectChoices> = {}): ConnectChoices {
  const initial = initialChoices();
  return { ...initial, inputs: { ...initial.inputs, ...endpoint }, ...change };
}

test("starts with the five events ticked, the whole project and the manifest's defaults", () => {
  const initial = initialChoices();
  expect(gitEventTypes.filter((id) => initial.events[id].ticked)).toHaveLength(5);
  expect(initial.scope).toBe("project");
  expect(initial.inputs).toEqual({ url: "", token: "", resourceDetailsToSend: "all", messagesToSend: "all", detailedMessagesToSend: "all" });
});

test("the whole project makes one subscription per event, with the New-subscription form's body", () => {
  const plan = planSubscriptions(choices(), context);
  expect(plan.map((p) => p.eventType)).toEqual(gitEventTypes);
  expect(plan.every((p) => p.repositoryId === undefined && p.body.publisherInputs.repository === undefined)).toBe(true);
  expect(plan[0].body).toEqual(subscriptionBody({ eventType: "git.push", filters: {}, inputs: choices().inputs }, context));
  expect(describePlan(choices())).toBe("5 events in the whole project = 5 subscriptions");
});

test("chosen repositories multiply the events, each with its own branch filter", () => {
  const initial = choices();
  const picked = choices({
    scope: "repositories",
    repositoryIds: REPOS,
    events: { ...initial.events, "git.push": { ticked: true, branch: "refs/heads/main" }, "git.pullrequest.created": { ticked: true, branch: " release/1.4 " } },
  });
  const plan = planSubscriptions(picked, context);
  expect(plan).toHaveLength(15);
  expect(describePlan(picked)).toBe("5 events × 3 repositories = 15 subscriptions");
  expect(new Set(plan.map((p) => p.key)).size).toBe(15);
  const push = plan.filter((p) => p.eventType === "git.push");
  expect(push.map((p) => p.body.publisherInputs)).toEqual(REPOS.map((repository) => ({ projectId: context.projectId, repository, branch: "main" })));
  expect(plan.find((p) => p.eventType === "git.pullrequest.created")?.body.publisherInputs.branch).toBe("release/1.4");
  expect(plan.find((p) => p.eventType === "git.pullrequest.merged")?.body.publisherInputs).not.toHaveProperty("branch");
  expect(plan.every((p) => p.body.consumerInputs.token === endpoint.token)).toBe(true);
});

test("unticked events are left out and the plan counts in the singular when it should", () => {
  const initial = choices();
  const events = Object.fromEntries(gitEventTypes.map((id) => [id, { ticked: id === "git.push", branch: "" }])) as ConnectChoices["events"];
  const one = choices({ events, scope: "repositories", repositoryIds: ["repo-a"] });
  expect(planSubscriptions(one, context)).toHaveLength(1);
  expect(describePlan(one)).toBe("1 event × 1 repository = 1 subscription");
  expect(describePlan({ ...initial, scope: "repositories", repositoryIds: [] })).toBe("5 events × 0 repositories = 0 subscriptions");
});

test("validation names each problem and accepts a complete choice", () => {
  expect(validateChoices(choices())).toEqual({});
  const initial = initialChoices();
  const none = Object.fromEntries(gitEventTypes.map((id) => [id, { ticked: false, branch: "" }])) as ConnectChoices["events"];
  expect(validateChoices({ ...initial, events: none, scope: "repositories" })).toEqual({
    url: "Endpoint URL is required.",
    token: "Token is required.",
    events: "Tick at least one event.",
    repositories: "Choose at least one repository.",
  });
  const spaced = choices({ events: { ...initial.events, "git.push": { ticked: true, branch: "my branch" } } });
  expect(validateChoices(spaced)).toEqual({ "branch-git.push": "Branch names cannot contain spaces." });
  expect(validateChoices(choices({ inputs: { ...choices().inputs, url: "http://hooks.example.com" } })).url).toBe("Azure DevOps delivers only to https:// addresses.");
});
