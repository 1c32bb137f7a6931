import { SubscriptionStatus, type Subscription } from "azure-devops-extension-api/ServiceHooks";
import { MASKED_INPUT_VALUE, consumerInput } from "../../src/contract";
import { RETYPE_TOKEN, editValuesOf, editedSubscription, secretField, validateEdit, withEndpointChange } from "../../src/hub/edit/editSubscription";
import { droppedEvents, RECONCILIATION_DOCS_URL } from "../../src/hub/model/droppedEvents";

/** A subscription as Azure DevOps returns it: the token masked, scope inputs added by the service. */
function returned(overrides: Partial<Subscription> = {}): Subscription {
  return {
    id: "5d1c3b7e-0000-4000-8000-000000000001",
    status: SubscriptionStatus.OnProbation,
    publisherId: "tfs",
    eventType: "git.push",
    consumerId: "hookrelay.hook-relay.consumer",
    consumerActionId: "deliver",
    resourceVersion: "1.0",
    publisherInputs: { projectId: "p1", repository: "r1", branch: "main", pushedBy: "[Fabrikam]\\Contributors", tfsSubscriptionId: "t1", hostId: "h1" },
    consumerInputs: { url: "https://hooks.example.com/hooks", token: MASKED_INPUT_VALUE, resourceDetailsToSend: "minimal" },
    ...overrides,
  } as Subscription;
}

describe("editing one subscription", () => {
  test("the form starts from what Azure DevOps returned, the token empty and the missing detail choices at their defaults", () => {
    expect(editValuesOf(returned())).toEqual({
      filters: { repository: "r1", branch: "main" },
      inputs: { url: "https://hooks.example.com/hooks", token: "", resourceDetailsToSend: "minimal", messagesToSend: "all", detailedMessagesToSend: "all" },
    });
  });

  test("the PUT body is the whole subscription; an untouched token goes back masked, which keeps the stored one", () => {
    const values = editValuesOf(returned());
    values.inputs.url = " https://hooks.example.com/hooks ";
    values.filters.branch = "refs/heads/release";
    expect(validateEdit(returned(), values)).toEqual({});
    const body = editedSubscription(returned(), values);
    expect(body).toMatchObject({ id: returned().id, status: SubscriptionStatus.OnProbation, eventType: "git.push", consumerActionId: "deliver", resourceVersion: "1.0" });
    expect(body.consumerInputs).toEqual({
      url: "https://hooks.example.com/hooks",
      token: MASKED_INPUT_VALUE,
      resourceDetailsToSend: "minimal",
      messagesToSend: "all",
      detailedMessagesToSend: "all",
    });
    // Scope inputs and the group filter the form does not offer go back unchanged; the branch is stored as a name.
    expect(body.publisherInputs).toEqual({ ...returned().publisherInputs, branch: "release" });
  });

  test("a new URL needs the token typed again, as Azure DevOps asks; typed, it goes with the URL", () => {
    const token = consumerInput("token");
    const values = editValuesOf(returned());
    expect(secretField(returned(), values, token)).toBe("keep");
    values.inputs.url = "https://elsewhere.example.net/hooks";
    expect(secretField(returned(), values, token)).toBe("retype");
    expect(validateEdit(returned(), values)).toEqual({ token: RETYPE_TOKEN });
    values.inputs.token = "short";
    expect(validateEdit(returned(), values)).toEqual({ token: expect.stringMatching(/at least 16 characters/) });
    values.inputs.token = "retyped-token-0123456789";
    expect(validateEdit(returned(), values)).toEqual({});
    expect(editedSubscription(returned(), values).consumerInputs).toMatchObject({ url: "https://elsewhere.example.net/hooks", token: "retyped-token-0123456789" });
    // Back to the stored URL: the stored token may be kept again.
    values.inputs.url = returned().consumerInputs.url;
    values.inputs.token = "";
    expect(secretField(returned(), values, token)).toBe("keep");
    const withoutToken = returned({ consumerInputs: { url: "https://hooks.example.com/hooks" } });
    expect(secretField(withoutToken, editValuesOf(withoutToken), token)).toBe("new");
  });

  test("a typed token replaces the stored one; a filter set to any is left out", () => {
    const values = editValuesOf(returned());
    values.inputs.token = "  a-new-token-0123456789  ";
    values.filters.repository = "";
    const body = editedSubscription(returned(), values);
    expect(body.consumerInputs.token).toBe("a-new-token-0123456789");
    expect(body.publisherInputs).not.toHaveProperty("repository");
  });

  test("validation: an empty token is fine while one is stored, a typed one must match the manifest's rule", () => {
    const values = editValuesOf(returned());
    expect(validateEdit(returned(), values)).toEqual({});
    values.inputs.token = "short";
    values.inputs.url = "http://hooks.example.com";
    values.filters.branch = "my branch";
    expect(validateEdit(returned(), values)).toEqual({
      token: expect.stringMatching(/at least 16 characters/),
      url: "Azure DevOps delivers only to https:// addresses.",
      branch: "Branch names cannot contain spaces.",
    });
    const withoutToken = returned({ consumerInputs: { url: "https://hooks.example.com/hooks" } });
    expect(validateEdit(withoutToken, editValuesOf(withoutToken))).toEqual({ token: "Token is required." });
  });

  test("an endpoint change sets the new token, and the new URL with it, and leaves everything else", () => {
    const moved = withEndpointChange(returned(), { url: "https://new.example.com/hooks", token: "moved-token-0123456789" });
    expect(moved.consumerInputs).toEqual({ ...returned().consumerInputs, url: "https://new.example.com/hooks", token: "moved-token-0123456789" });
    const tokenOnly = withEndpointChange(returned(), { token: "rotated-token-0123456789" });
    expect(tokenOnly.consumerInputs).toEqual({ ...returned().consumerInputs, token: "rotated-token-0123456789" });
    expect(tokenOnly.publisherInputs).toEqual(returned().publisherInputs);
  });
});

describe("what the details panel says about dropped events", () => {
  const year1 = "0001-01-01T00:00:00Z";
  test("on probation: since the last probation date at the latest, never a window Azure DevOps did not give", () => {
    const dropped = droppedEvents({ status: SubscriptionStatus.OnProbation, lastProbationRetryDate: new Date("2026-11-30T10:00:00Z"), modifiedDate: new Date("2026-10-01T00:00:00Z") });
    expect(dropped?.since).toMatch(/^On probation since .*2026.* at the latest: the last probation date Azure DevOps gives; it does not record when probation began\.$/);
    expect(dropped?.consequence).toMatch(/dropped every event raised while it is on probation/);
    expect(droppedEvents({ status: SubscriptionStatus.OnProbation, lastProbationRetryDate: year1 as never })?.since).toBe(
      "On probation; Azure DevOps does not say since when.",
    );
  });

  test("disabled by a user: at the latest since its last change; by Azure DevOps: after its last probe or success", () => {
    expect(droppedEvents({ status: SubscriptionStatus.DisabledByUser, modifiedDate: new Date("2026-11-02T08:00:00Z") })?.since).toMatch(/^Disabled since .* at the latest: its last change\.$/);
    const bySystem = droppedEvents({
      status: SubscriptionStatus.DisabledBySystem,
      modifiedDate: new Date("2026-01-01T00:00:00Z"),
      lastProbationRetryDate: new Date("2026-11-20T00:00:00Z"),
      lastSuccessfulAttemptDate: new Date("2026-11-01T00:00:00Z"),
    });
    expect(bySystem?.since).toMatch(/^Disabled by Azure DevOps some time after Nov 20, 2026/);
    expect(droppedEvents({ status: SubscriptionStatus.DisabledByInactiveIdentity, lastProbationRetryDate: year1 as never })?.since).toBe(
      "Disabled by Azure DevOps; it does not say since when.",
    );
    expect(droppedEvents({ status: SubscriptionStatus.Enabled })).toBeUndefined();
    expect(droppedEvents({})).toBeUndefined();
  });

  test("points to the README's reconciliation section", () => {
    expect(RECONCILIATION_DOCS_URL).toBe("https://github.com/hookrelay/hook-relay#reconciliation");
  });
});
