/** The Azure DevOps client: Basic PAT auth, Retry-After and backoff on 429 and 503, errors without the token. */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { AdoClient, AdoError, retryAfterMs } from "../../../src/endpoint/reconcile/client";

const TOKEN = "pat-for-client-tests-0123456789";

/** A server answering each call with the next scripted answer, recording what it got. */
async function scripted(answers: { status: number; headers?: Record<string, string>; body?: unknown }[]) {
  const received: { request: IncomingMessage; at: number }[] = [];
  const server: Server = createServer((request, response) => {
    received.push({ request, at: Date.now() });
    const answer = answers[Math.min(received.length - 1, answers.length - 1)];
    response.writeHead(answer.status, { "content-type": "application/json", ...answer.headers });
    response.end(JSON.stringify(answer.body ?? { message: `status ${answer.status}` }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/fabrikam`;
  return { url, received, close: () => new Promise((resolve) => server.close(resolve)) };
}

test("sends the token as Basic base64(':' + token) and asks for api 7.1 with numeric enums", async () => {
  const server = await scripted([{ status: 200, body: { count: 1, value: [{ id: "a" }] } }]);
  try {
    const client = new AdoClient({ organizationUrl: server.url, token: TOKEN });
    expect(await client.list("_apis/hooks/subscriptions", { "searchCriteria.x": "1 2", skipped: undefined })).toEqual([{ id: "a" }]);
    const { request } = server.received[0];
    expect(request.headers.authorization).toBe(`Basic ${Buffer.from(`:${TOKEN}`).toString("base64")}`);
    expect(request.headers.accept).toBe("application/json;api-version=7.1;enumsAsNumbers=true");
    expect(request.url).toBe("/fabrikam/_apis/hooks/subscriptions?searchCriteria.x=1+2");
  } finally {
    await server.close();
  }
});

test("waits as long as Retry-After says after a 429, then goes on; each attempt counts as a call", async () => {
  const server = await scripted([
    { status: 429, headers: { "retry-after": "1" } },
    { status: 200, body: { ok: true } },
  ]);
  const retries: [number, number][] = [];
  try {
    const client = new AdoClient({ organizationUrl: server.url, token: TOKEN, onRetry: (status, waitMs) => retries.push([status, waitMs]) });
    expect(await client.get("_apis/connectionData")).toEqual({ ok: true });
    expect(retries).toEqual([[429, 1000]]);
    expect(server.received[1].at - server.received[0].at).toBeGreaterThanOrEqual(990);
    expect(client.calls).toBe(2);
  } finally {
    await server.close();
  }
});

test("backs off exponentially without Retry-After and gives up after maxAttempts with the service's message", async () => {
  const server = await scripted([{ status: 503, body: { message: "TF: service unavailable" } }]);
  const waits: number[] = [];
  try {
    const client = new AdoClient({ organizationUrl: server.url, token: TOKEN, backoffMs: 5, maxAttempts: 4, onRetry: (_, ms) => waits.push(ms) });
    const failure = await client.get("_apis/hooks/subscriptions").catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(AdoError);
    expect((failure as AdoError).status).toBe(503);
    expect((failure as AdoError).message).toContain("TF: service unavailable");
    expect(waits).toEqual([5, 10, 20]);
    expect(server.received).toHaveLength(4);
  } finally {
    await server.close();
  }
});

test("a 401 fails at once, and no error carries the token", async () => {
  const server = await scripted([{ status: 401, body: { message: "TF400813: not authorized" } }]);
  try {
    const client = new AdoClient({ organizationUrl: server.url, token: TOKEN });
    const failure = (await client.whoAmI().catch((error: unknown) => error)) as AdoError;
    expect(failure.status).toBe(401);
    expect(server.received).toHaveLength(1);
    expect(JSON.stringify({ message: failure.message, stack: failure.stack })).not.toContain(TOKEN);
  } finally {
    await server.close();
  }
});

test("Retry-After is seconds or an HTTP date; waits are capped", () => {
  const now = Date.parse("2026-12-01T10:00:00Z");
  expect(retryAfterMs("3", now)).toBe(3000);
  expect(retryAfterMs("Tue, 01 Dec 2026 10:00:07 GMT", now)).toBe(7000);
  expect(retryAfterMs("yesterday-ish", now)).toBeUndefined();
  expect(retryAfterMs(null, now)).toBeUndefined();
  const client = new AdoClient({ organizationUrl: "https://dev.azure.com/x", token: TOKEN, maxWaitMs: 2000, backoffMs: 100 });
  expect(client.waitBefore(1, "3600")).toBe(2000);
  expect(client.waitBefore(3, null)).toBe(400);
});
