/**
 * How a server-side caller reaches the stand-in: a personal access token over Basic auth (whose
 * identity decides what notification details it may read), and Azure DevOps's rate limiting.
 */
import { startDevhost, type RunningDevhost } from "./support/devhost";
import { ServiceHooksRestClient } from "azure-devops-extension-api/ServiceHooks";
import { GitRestClient } from "azure-devops-extension-api/Git";
import { CHUCK, READER } from "../../src/devhost/core/seed";

const basic = (token: string, user = "") => `Basic ${Buffer.from(`${user}:${token}`).toString("base64")}`;

function clients(devhost: RunningDevhost, authorization: string) {
  const options = { rootPath: devhost.rootPath, authTokenProvider: { getAuthorizationHeader: async () => authorization } };
  return { hooks: new ServiceHooksRestClient(options), git: new GitRestClient(options) };
}

async function call(devhost: RunningDevhost, authorization: string, path = "_apis/hooks/subscriptions") {
  const response = await fetch(`${devhost.rootPath}${path}`, { headers: { Authorization: authorization } });
  const text = await response.text();
  return { status: response.status, headers: response.headers, json: text ? JSON.parse(text) : undefined };
}

/** A seeded notification with details, of a subscription Jamal created in Fabrikam-Fiber. */
function seededNotification(devhost: RunningDevhost) {
  const subscription = devhost.state.data.subscriptions.find((s) => s.consumerInputs.url.endsWith("/hooks/fiber"))!;
  return devhost.state.notificationsOf(subscription.id)[0];
}

describe("personal access tokens", () => {
  let devhost: RunningDevhost;
  beforeAll(async () => {
    devhost = await startDevhost();
  });
  afterAll(() => devhost.close());

  test("Basic base64(':' + token) is accepted, whatever the user name", async () => {
    expect((await call(devhost, basic(devhost.personalAccessToken))).status).toBe(200);
    expect((await call(devhost, basic(devhost.personalAccessToken, "reconciler"))).status).toBe(200);
  });

  test("a wrong token, or none, gets 401 with the service's JSON", async () => {
    for (const authorization of [basic("not-the-token"), basic(devhost.accessToken), "Basic !!!", ""]) {
      const answer = await call(devhost, authorization);
      expect(answer.status).toBe(401);
      expect(answer.json).toMatchObject({ message: expect.stringContaining("TF400813"), typeKey: "VssUnauthorizedException" });
      expect(answer.headers.get("www-authenticate")).toContain("Basic");
    }
  });

  test("connectionData names the token's identity, so a caller can check its token first", async () => {
    const answer = await call(devhost, basic(devhost.personalAccessToken), "_apis/connectionData");
    expect(answer.status).toBe(200);
    expect(answer.json.authenticatedUser).toMatchObject({ id: CHUCK.id, providerDisplayName: CHUCK.displayName });
    expect(answer.json.instanceId).toBe(devhost.state.data.collectionId);
    expect((await call(devhost, basic("wrong"), "_apis/connectionData")).status).toBe(401);
  });

  test("by default the token is a project administrator's, who reads the notification's event", async () => {
    expect(devhost.patIdentity.id).toBe(CHUCK.id);
    const notification = seededNotification(devhost);
    const { hooks, git } = clients(devhost, basic(devhost.personalAccessToken));
    const read = await hooks.getNotification(notification.subscriptionId, notification.id);
    expect(read.details.event.id).toBe(notification.eventId);
    const repository = devhost.state.data.repositories[0];
    expect((await git.getPushes(repository.id, repository.projectId)).length).toBeGreaterThan(0);
  });
});

test("patUser makes the token a user's without diagnostics rights: details come scrubbed", async () => {
  const devhost = await startDevhost({ patUser: READER.uniqueName, personalAccessToken: "fixed-token-for-tests" });
  try {
    expect(devhost.personalAccessToken).toBe("fixed-token-for-tests");
    const notification = seededNotification(devhost);
    const { hooks } = clients(devhost, basic("fixed-token-for-tests"));
    const read = await hooks.getNotification(notification.subscriptionId, notification.id);
    expect(read.details).toBeDefined();
    expect(read.details.event).toBeUndefined();
    expect(read.details.request).toBeUndefined();
  } finally {
    await devhost.close();
  }
});

describe("rate limiting", () => {
  let devhost: RunningDevhost;
  beforeAll(async () => {
    devhost = await startDevhost();
  });
  afterAll(() => devhost.close());
  afterEach(() => fetch(`${devhost.origin}/_devhost/rate-limit`, { method: "PUT", body: "{}" }));

  const limit = (settings: Record<string, unknown>) => fetch(`${devhost.origin}/_devhost/rate-limit`, { method: "PUT", body: JSON.stringify(settings) });
  const bearer = () => `Bearer ${devhost.accessToken}`;

  test("the next N calls answer 429 with Retry-After and the X-RateLimit headers, then calls pass", async () => {
    expect((await limit({ next: 2, retryAfterSeconds: 3 })).status).toBe(200);
    const before = Math.floor(Date.now() / 1000);
    for (let i = 0; i < 2; i++) {
      const blocked = await call(devhost, bearer());
      expect(blocked.status).toBe(429);
      expect(blocked.headers.get("retry-after")).toBe("3");
      expect(blocked.headers.get("x-ratelimit-remaining")).toBe("0");
      expect(blocked.headers.get("x-ratelimit-resource")).toBeTruthy();
      expect(Number(blocked.headers.get("x-ratelimit-limit"))).toBeGreaterThan(0);
      expect(Number(blocked.headers.get("x-ratelimit-reset"))).toBeGreaterThanOrEqual(before + 3);
      expect(blocked.json.message).toMatch(/blocked/);
    }
    expect((await call(devhost, bearer())).status).toBe(200);
    const status = (await (await fetch(`${devhost.origin}/_devhost/rate-limit`)).json()) as { blocked: number; next: number };
    expect(status).toMatchObject({ blocked: 2, next: 0 });
  });

  test("a fraction blocks that share of calls, spread evenly", async () => {
    await limit({ fraction: 0.5 });
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await call(devhost, bearer())).status);
    expect(statuses).toEqual([200, 429, 200, 429, 200, 429]);
  });

  test("the real client sees a 429 it can back off from", async () => {
    await limit({ next: 1 });
    const repository = devhost.state.data.repositories[0];
    await expect(devhost.git.getPushes(repository.id, repository.projectId)).rejects.toMatchObject({ status: 429 });
    await expect(devhost.git.getPushes(repository.id, repository.projectId)).resolves.toBeInstanceOf(Array);
  });

  test("malformed settings are refused", async () => {
    expect((await limit({ fraction: 2 })).status).toBe(400);
    expect((await limit({ next: -1 })).status).toBe(400);
  });
});

test("a stand-in started rate-limited blocks from its first call", async () => {
  const devhost = await startDevhost({ rateLimit: { fraction: 1 } });
  try {
    expect((await call(devhost, `Bearer ${devhost.accessToken}`)).status).toBe(429);
  } finally {
    await devhost.close();
  }
});
