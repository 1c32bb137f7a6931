import { NotificationResult, NotificationStatus, SubscriptionStatus } from "azure-devops-extension-api/ServiceHooks";
import { consumerInput, supportedEventTypes } from "../../src/contract";
import { filtersInWords } from "../../src/hub/model/filters";
import { describeProblem } from "../../src/hub/model/errors";
import { formatDateTime, personName, toDate } from "../../src/hub/model/format";
import { healthFromSummary, missingDetails, statusCodeOf } from "../../src/hub/model/notifications";
import { describeStatus, isEnabled, needsReenable, statusOf } from "../../src/hub/model/status";
import { initialValues, validateForm, validateInput } from "../../src/hub/model/subscriptionForm";

test("every status has a label, an explanation and, when broken, what to do", () => {
  const owner = { displayName: "Normal Paulk" } as never;
  expect(describeStatus({ status: SubscriptionStatus.OnProbation, modifiedBy: owner })).toMatchObject({
    label: "On probation",
    action: "Fix the endpoint, then Test or Re-enable.",
  });
  expect(describeStatus({ status: SubscriptionStatus.DisabledByInactiveIdentity, modifiedBy: owner }).explanation).toBe(
    "Disabled because its owner Normal Paulk left the project or lost access.",
  );
  expect(describeStatus({ status: SubscriptionStatus.DisabledBySystem, modifiedBy: owner }).explanation).toMatch(/410 Gone/);
  expect([0, 10, 20, 30, 40].filter((status) => needsReenable({ status }))).toEqual([10, 30, 40]);
});

test("filters read as words, with repository names and choice labels", () => {
  const names = new Map([["f5f5f5f5-aaaa-bbbb-cccc-d6d6d6d6d6d6", "Fabrikam-Fiber-Git"]]);
  expect(
    filtersInWords("git.pullrequest.updated", { projectId: "p", repository: "F5F5F5F5-AAAA-BBBB-CCCC-D6D6D6D6D6D6", branch: "refs/heads/main", notificationType: "PushNotification" }, names),
  ).toBe("Repository: Fabrikam-Fiber-Git; Target branch: main; Change: Source branch updated");
  expect(filtersInWords("git.push", { repository: "0000", pushedBy: "[Fabrikam]\\Contributors" }, names)).toBe(
    "Repository: unknown repository (0000); Pushed by a member of group [Fabrikam]\\Contributors",
  );
  expect(filtersInWords("git.push", { projectId: "p", tfsSubscriptionId: "t" }, names)).toBe("Any repository, any branch");
});

test("status codes come from either recorded response format", () => {
  expect(statusCodeOf("StatusCode: 503, ReasonPhrase: 'Service Unavailable', Version: 1.1")).toBe(503);
  expect(statusCodeOf("HTTP/1.1 410 Gone\r\ncontent-length: 0")).toBe(410);
  expect(statusCodeOf(null)).toBeUndefined();
});

test("form validation follows the manifest's descriptors", () => {
  const url = consumerInput("url");
  expect(validateInput(url, "")).toBe("Endpoint URL is required.");
  expect(validateInput(url, "http://x")).toBe(url.validation?.patternMismatchErrorMessage);
  expect(validateInput(url, "https://hooks.example.com/hooks")).toBeUndefined();
  expect(validateInput(consumerInput("resourceDetailsToSend"), "everything")).toBe("Choose one of: All, Minimal, None.");
  const values = initialValues();
  expect(values.eventType).toBe(supportedEventTypes[0]);
  expect(Object.keys(validateForm(values)).sort()).toEqual(["token", "url"]);
  expect(validateForm({ ...values, filters: { branch: "my branch" } }).branch).toBe("Branch names cannot contain spaces.");
});

test("403 names the permission and who grants it; other errors can be retried", () => {
  const forbidden = Object.assign(new Error("denied"), { name: "TFS.WebApi.Exception", status: 403 });
  expect(describeProblem(forbidden, "edit")).toMatchObject({ title: 'You need the "Edit subscriptions" permission', retryable: false });
  const network = Object.assign(new Error("TF400893: Unable to contact the server."), { name: "NetworkException" });
  expect(describeProblem(network)).toMatchObject({ title: "Azure DevOps could not be reached", retryable: true });
});

test("year-1 dates (DateTime.MinValue) and unreadable dates are never; real ones are dates", () => {
  expect(toDate(new Date(-62135596800000))).toBeUndefined();
  // Without msDateFormat the service writes it as an ISO string without a zone, read as local time.
  expect(toDate("0001-01-01T00:00:00")).toBeUndefined();
  expect(toDate("not a date")).toBeUndefined();
  expect(formatDateTime(new Date(-62135596800000), "never")).toBe("never");
  expect(toDate("2024-09-19T13:03:27.0379153Z")?.toISOString()).toBe("2024-09-19T13:03:27.037Z");
});

test("a missing status is enabled; an identity with only an id is an unknown user", () => {
  expect(statusOf({} as never)).toBe(SubscriptionStatus.Enabled);
  expect(describeStatus({} as never).label).toBe("Enabled");
  expect(isEnabled({} as never)).toBe(true);
  expect(personName({ id: "0b0b" } as never)).toBe("Unknown user");
  expect(personName({ displayName: "  " } as never)).toBe("Unknown user");
  expect(personName({ displayName: "Chuck Reinhart" } as never)).toBe("Chuck Reinhart");
});

test("health counts every kept notification from the summary and takes the newest from the results", () => {
  const summary = {
    subscriptionId: "s",
    results: [
      { result: NotificationResult.Succeeded, notificationCount: 5 },
      { result: NotificationResult.Failed, notificationCount: 1 },
      { result: NotificationResult.Filtered, notificationCount: 2 },
    ],
  };
  const newest = { id: 9, subscriptionId: "s", result: NotificationResult.Failed, status: NotificationStatus.Completed, createdDate: new Date(), modifiedDate: new Date() } as never;
  expect(healthFromSummary(summary, newest)).toMatchObject({ delivered: 5, failed: 1, kept: 8, successRate: 5 / 6, last: { id: 9 } });
  expect(healthFromSummary(undefined, undefined)).toEqual({ delivered: 0, failed: 0, kept: 0, successRate: undefined, last: undefined });
});

test("missing details are told apart: deleted after 7 days, or withheld without diagnostics rights", () => {
  expect(missingDetails({ details: undefined } as never)).toBe("deleted");
  expect(missingDetails({ details: { errorMessage: "401" } } as never)).toBe("withheld");
  expect(missingDetails({ details: { event: { id: "e" } } } as never)).toBeUndefined();
});

test("problems never read undefined or [object Object]", () => {
  expect(describeProblem({ status: 400, message: "Input url is too long." }, "edit")).toEqual({
    title: "Azure DevOps refused the change",
    detail: "Input url is too long.",
    retryable: false,
  });
  expect(describeProblem({ status: 400 }, "edit").detail).toBe("It gave no reason.");
  for (const error of [{}, { foo: 1 }, undefined, null, 42, { status: 500, message: "" }]) {
    const problem = describeProblem(error);
    expect(`${problem.title} ${problem.detail}`).not.toMatch(/undefined|null|\[object Object\]|NaN/);
  }
});
