/**
 * A realistic organization to look at: a project with four repositories and Hook Relay subscriptions
 * in every status, a second project with its own, built-in Web Hooks subscriptions (git, build and
 * work-item ones, the last two outside a vso.code extension's reach), a subscription whose creator no
 * longer exists, and two days of history (successes, a 401, a 500, a 503 retried).
 *
 * Identities: Jamal is a collection administrator, Chuck administers Fabrikam-Fiber, Johnnie is a
 * contributor without diagnostics rights (sign in as him with `--user` or `?user=`).
 */
import { randomUUID } from "node:crypto";
import { PUBLISHER_ID, toRefName, type GitEventType } from "../../contract/events";
import { consumer as manifestConsumer } from "../../contract/manifest";
import { hookRelayConsumer, webHooksConsumer, confidentialIdsOf } from "./consumers";
import { maskInputs } from "./masking";
import { buildRequest } from "./request";
import { buildEvent } from "./publish";
import { NotificationResult, NotificationStatus, SubscriptionStatus } from "./contracts";
import { DEFAULT_USER, type DevhostState, type Identity, type StoredSubscription } from "./state";

export const SEED_PROJECT = { id: "00aa00aa-bb11-cc22-dd33-44ee44ee44ee", name: "Fabrikam-Fiber", description: "Fabrikam's fiber network apps" };
export const SECOND_PROJECT = { id: "5e7d2f9a-0c1b-4d8e-9f3a-6b2c1d0e9f8a", name: "Fabrikam-Mobile", description: "Fabrikam's phone apps" };

/** Administers Fabrikam-Fiber (not the second project). */
export const CHUCK: Identity = {
  id: "8c8c7d32-6b1b-47f4-b2e9-30b477b5ab3d",
  displayName: "Chuck Reinhart",
  uniqueName: "fabrikamfiber3@hotmail.com",
  descriptor: "aad.OGM4YzdkMzItNmIxYi03N2Y0LWIyZTktMzBiNDc3YjVhYjNk",
};
/** A contributor: neither an administrator nor the creator of any seeded subscription. */
export const READER: Identity = {
  id: "1f3e6a2b-7c4d-4e5f-8a9b-0c1d2e3f4a5b",
  displayName: "Johnnie McLeod",
  uniqueName: "fabrikamfiber2@hotmail.com",
  descriptor: "aad.MWYzZTZhMmItN2M0ZC00ZTVmLThhOWItMGMxZDJlM2Y0YTVi",
};
/** Created a subscription long ago and is gone: the service returns an IdentityRef with only this id. */
export const FORMER_USER_ID = "0b0b0b0b-1c1c-4d2d-8e3e-4f4f4f4f4f4f";
const NORMAN: Identity = {
  id: "54d125f7-69f7-4191-904f-c5b96b6261c8",
  displayName: "Normal Paulk",
  uniqueName: "fabrikamfiber16@hotmail.com",
  descriptor: "aad.NTRkMTI1ZjctNjlmNy03MTkxLTkwNGYtYzViOTZiNjI2MWM4",
};

const MOBILE_REPOSITORIES = [
  { id: "b1c2d3e4-f5a6-4b7c-8d9e-0f1a2b3c4d5e", name: "fabrikam-android", branches: ["main", "release/3.2"] },
  { id: "c2d3e4f5-a6b7-4c8d-9e0f-1a2b3c4d5e6f", name: "fabrikam-ios", branches: ["main"] },
];
const REPOSITORIES = [
  { id: "f5f5f5f5-aaaa-bbbb-cccc-d6d6d6d6d6d6", name: "Fabrikam-Fiber-Git", branches: ["main", "develop", "release/2025.1", "feature/fiber-map"] },
  { id: "3c4f5e6a-1b2c-4d3e-8f9a-0b1c2d3e4f5a", name: "fabrikam-web", branches: ["main", "feature/new-checkout", "hotfix/login-timeout"] },
  { id: "7a8b9c0d-2e3f-4a5b-9c6d-7e8f9a0b1c2d", name: "payments-api", branches: ["main", "release/1.4", "feature/refunds"] },
  { id: "9d0e1f2a-3b4c-4d5e-8f6a-7b8c9d0e1f2a", name: "infrastructure", branches: ["main"] },
];

/** A local https URL nothing listens on: deliveries to it fail without leaving the machine. */
const unreachable = (path: string) => `https://localhost:8443${path}`;
const SAMPLE_TOKEN = "seeded-token-0123456789abcdef";

export interface SeedOptions {
  /** Extra enabled subscriptions, for rendering benchmarks. */
  subscriptions?: number;
  now?: Date;
}

interface SubscriptionSeed {
  status: SubscriptionStatus;
  projectId?: string;
  eventType: GitEventType;
  url: string;
  repository?: string;
  branch?: string;
  /** The creator; default Jamal. */
  by?: string;
  probationRetries?: number;
  ageDays: number;
}

export function seed(state: DevhostState, options: SeedOptions = {}): void {
  const now = options.now ?? new Date();
  const data = state.data;
  data.identities = [DEFAULT_USER, CHUCK, NORMAN, READER];
  data.currentUserId = DEFAULT_USER.id;
  data.collectionAdmins = [DEFAULT_USER.id];
  data.groups = {
    "[Fabrikam-Fiber]\\Contributors": [DEFAULT_USER.uniqueName, `Windows Live ID\\${DEFAULT_USER.uniqueName}`, CHUCK.uniqueName],
  };
  data.projects = [
    { ...SEED_PROJECT, administrators: [CHUCK.id] },
    { ...SECOND_PROJECT, administrators: [] },
  ];
  const repositoriesOf = (projectId: string, list: typeof REPOSITORIES) =>
    list.map((r) => ({ id: r.id, name: r.name, projectId, defaultBranch: "refs/heads/main", branches: r.branches.map(toRefName) }));
  data.repositories = [...repositoriesOf(SEED_PROJECT.id, REPOSITORIES), ...repositoriesOf(SECOND_PROJECT.id, MOBILE_REPOSITORIES)];
  const [fiber, web, payments, infrastructure, android] = data.repositories;
  const at = (days: number) => new Date(now.getTime() - days * 86_400_000).toISOString();
  const seeds: SubscriptionSeed[] = [
    { status: SubscriptionStatus.Enabled, eventType: "git.push", url: unreachable("/hooks/fiber"), repository: fiber.id, branch: "main", ageDays: 30 },
    { status: SubscriptionStatus.Enabled, eventType: "git.pullrequest.created", url: unreachable("/hooks/reviews"), repository: web.id, ageDays: 21, by: CHUCK.id },
    { status: SubscriptionStatus.OnProbation, eventType: "git.pullrequest.merged", url: unreachable("/hooks/payments"), repository: payments.id, probationRetries: 3, ageDays: 14 },
    { status: SubscriptionStatus.DisabledByUser, eventType: "ms.vss-code.git-pullrequest-comment-event", url: unreachable("/hooks/comments"), ageDays: 12 },
    { status: SubscriptionStatus.DisabledBySystem, eventType: "git.push", url: unreachable("/hooks/infra"), repository: infrastructure.id, probationRetries: 7, ageDays: 40 },
    { status: SubscriptionStatus.DisabledByInactiveIdentity, eventType: "git.pullrequest.updated", url: unreachable("/hooks/legacy"), ageDays: 90, by: NORMAN.id },
    { status: SubscriptionStatus.Enabled, eventType: "git.pullrequest.created", url: unreachable("/hooks/archive"), repository: fiber.id, ageDays: 400, by: FORMER_USER_ID },
    { status: SubscriptionStatus.Enabled, eventType: "git.push", url: unreachable("/hooks/mobile"), projectId: SECOND_PROJECT.id, repository: android.id, ageDays: 10, by: CHUCK.id },
  ];
  const created = seeds.map((s) => state.addSubscription(hookRelaySubscription(s, at)));
  state.addSubscription(webHooksSubscription("git.push", at(60)));
  state.addSubscription(webHooksSubscription("build.complete", at(50)));
  state.addSubscription(webHooksSubscription("workitem.updated", at(45)));
  addHistory(state, created[0], now, [200, 200, 401, 200, 503, 200]);
  addHistory(state, created[2], now, [200, 500, 500]);
  addHistory(state, created[4], now, [410]);
  addHistory(state, created[7], now, [200, 200]);
  for (let i = 0; i < (options.subscriptions ?? 0); i++) {
    const repository = data.repositories[i % data.repositories.length];
    state.addSubscription(
      hookRelaySubscription(
        { status: SubscriptionStatus.Enabled, eventType: "git.push", url: unreachable(`/hooks/bulk-${i}`), repository: repository.id, ageDays: 1 + (i % 30) },
        at,
      ),
    );
  }
}

function hookRelaySubscription(s: SubscriptionSeed, at: (days: number) => string): StoredSubscription {
  const by = s.by ?? DEFAULT_USER.id;
  const publisherInputs: Record<string, string> = { projectId: s.projectId ?? SEED_PROJECT.id, tfsSubscriptionId: randomUUID(), hostId: "c12d0eb8-e382-443b-9f9c-c52cba5014c2" };
  if (s.repository) publisherInputs.repository = s.repository;
  if (s.branch) publisherInputs.branch = s.branch;
  const consumerInputs: Record<string, string> = { url: s.url, token: SAMPLE_TOKEN };
  const urlInput = manifestConsumer.inputDescriptors.find((i) => i.id === "url");
  const disabledSince = s.status === SubscriptionStatus.Enabled ? s.ageDays : Math.min(s.ageDays, 2);
  return {
    id: randomUUID(),
    status: s.status,
    publisherId: PUBLISHER_ID,
    eventType: s.eventType,
    resourceVersion: null,
    eventDescription: s.repository ? `Repository: ${[...REPOSITORIES, ...MOBILE_REPOSITORIES].find((r) => r.id === s.repository)?.name}` : "Repository: [Any]",
    consumerId: hookRelayConsumer.id,
    consumerActionId: hookRelayConsumer.actions[0].id,
    actionDescription: urlInput ? `${urlInput.name}: ${s.url}` : "",
    publisherInputs,
    consumerInputs,
    subscriberId: by,
    createdById: by,
    modifiedById: by,
    createdDate: at(s.ageDays),
    modifiedDate: at(disabledSince),
    probationRetries: s.probationRetries ?? 0,
    lastProbationRetryDate: s.probationRetries ? at(0.1) : null,
    lastSuccessfulAttemptDate: s.status === SubscriptionStatus.Enabled ? at(0.2) : null,
  };
}

/** Another consumer's subscription; build and work-item ones are outside a vso.code extension's reach. */
function webHooksSubscription(eventType: string, createdDate: string): StoredSubscription {
  const url = unreachable(`/webhooks/${eventType === "git.push" ? "ci" : eventType}`);
  return {
    id: randomUUID(),
    status: SubscriptionStatus.Enabled,
    publisherId: PUBLISHER_ID,
    eventType,
    resourceVersion: null,
    eventDescription: eventType === "git.push" ? "Repository: [Any]" : "",
    consumerId: webHooksConsumer.id,
    consumerActionId: webHooksConsumer.actions[0].id,
    actionDescription: `URL: ${url}`,
    publisherInputs: { projectId: SEED_PROJECT.id, tfsSubscriptionId: randomUUID(), hostId: "c12d0eb8-e382-443b-9f9c-c52cba5014c2" },
    consumerInputs: { url, basicAuthUsername: "ci", basicAuthPassword: "not-a-real-password" },
    subscriberId: CHUCK.id,
    createdById: CHUCK.id,
    modifiedById: CHUCK.id,
    createdDate,
    modifiedDate: createdDate,
    probationRetries: 0,
    lastProbationRetryDate: null,
    lastSuccessfulAttemptDate: createdDate,
  };
}

const REASONS: Record<number, string> = { 200: "OK", 401: "Unauthorized", 410: "Gone", 500: "Internal Server Error", 503: "Service Unavailable" };

/** Completed notifications, oldest first, spread over the last days; a 503 means "retried once, then 200". */
function addHistory(state: DevhostState, subscription: StoredSubscription, now: Date, statuses: number[]): void {
  statuses.forEach((status, index) => {
    const created = new Date(now.getTime() - (statuses.length - index) * 7 * 3_600_000);
    const event = buildEvent(state, { eventType: subscription.eventType, projectId: subscription.publisherInputs.projectId, repository: subscription.publisherInputs.repository }, created);
    const request = buildRequest({
      consumerId: subscription.consumerId,
      actionId: subscription.consumerActionId,
      publishEvent: hookRelayConsumer.actions[0].publishEvent,
      inputs: subscription.consumerInputs,
      confidentialIds: confidentialIdsOf(subscription.consumerId),
      event,
      allowHttp: false,
    });
    const finalStatus = status === 503 ? 200 : status;
    const succeeded = finalStatus >= 200 && finalStatus < 300;
    const iso = (offsetMs: number) => new Date(created.getTime() + offsetMs).toISOString();
    state.addNotification({
      subscriptionId: subscription.id,
      subscriberId: subscription.subscriberId,
      eventId: String(event.id),
      status: NotificationStatus.Completed,
      result: succeeded ? NotificationResult.Succeeded : NotificationResult.Failed,
      createdDate: iso(0),
      modifiedDate: iso(status === 503 ? 2600 : 400),
      details: {
        event: request.event,
        eventType: subscription.eventType,
        publisherId: subscription.publisherId,
        publisherInputs: { ...subscription.publisherInputs },
        consumerId: subscription.consumerId,
        consumerActionId: subscription.consumerActionId,
        consumerInputs: maskInputs(subscription.consumerId, subscription.consumerInputs),
        request: request.historyText,
        response: `StatusCode: ${finalStatus}, ReasonPhrase: '${REASONS[finalStatus]}', Version: 1.1, Content: System.Net.Http.StreamContent, Headers:\r\n{\r\n  date: ${created.toUTCString()}\r\n  content-type: application/json; charset=utf-8\r\n}`,
        errorMessage: succeeded ? null : `Response status code does not indicate success: ${finalStatus} (${REASONS[finalStatus]}).`,
        errorDetail: null,
        queuedDate: iso(0),
        dequeuedDate: iso(50),
        processedDate: iso(status === 503 ? 2550 : 350),
        completedDate: iso(status === 503 ? 2600 : 400),
        requestDuration: status === 503 ? 0.21 : 0.12,
        requestAttempts: status === 503 ? 2 : 1,
      },
    });
  });
}
