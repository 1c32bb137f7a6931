/**
 * POST /hooks on node:http (routes/ingestDirect.ts): a delivery it can accept outright is stored and
 * answered without Fastify; anything else gets exactly the Fastify route's answer, over real HTTP.
 */
import { request as httpRequest } from "node:http";
import type { AddressInfo } from "node:net";
import { buildServer, type EndpointServer } from "../../src/endpoint/server";
import { loadSample, memoryStore } from "./helpers";

const INGEST = "ingest-token-0123456789abcdef";
const READ = "read-token-0123456789abcdefghij";

let app: EndpointServer;
let store: ReturnType<typeof memoryStore>;
/** Requests Fastify answered (its onResponse hooks run for every answer, whichever hook gave it). */
let seenByFastify: string[];
let origin: string;

beforeEach(async () => {
  store = memoryStore();
  app = buildServer({ store, ingestTokens: [INGEST], readTokens: [READ] });
  seenByFastify = [];
  app.addHook("onResponse", (request, _reply, done) => {
    seenByFastify.push(`${request.method} ${request.url}`);
    done();
  });
  await app.listen({ port: 0, host: "127.0.0.1" });
  origin = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
});

afterEach(() => app.close());

interface Answer {
  status: number;
  contentType: string | null;
  retryAfter: string | null;
  body: string;
}

const HEADERS = { authorization: `Bearer ${INGEST}`, "content-type": "application/json; charset=utf-8" };

async function post(path: string, body: string | Buffer, headers: Record<string, string> = HEADERS): Promise<Answer> {
  const response = await fetch(origin + path, { method: "POST", headers, body: typeof body === "string" ? body : new Uint8Array(body) });
  return {
    status: response.status,
    contentType: response.headers.get("content-type"),
    retryAfter: response.headers.get("retry-after"),
    body: await response.text(),
  };
}

/** The Fastify route's answer to the same request, in this process. */
async function routeAnswer(path: string, body: string | Buffer, headers: Record<string, string> = HEADERS): Promise<Answer> {
  const response = await app.inject({ method: "POST", url: path, headers, payload: body });
  const header = (name: string) => (response.headers[name] === undefined ? null : String(response.headers[name]));
  return { status: response.statusCode, contentType: header("content-type"), retryAfter: header("retry-after"), body: response.body };
}

async function deliveriesCounted(): Promise<Record<string, number>> {
  const text = (await app.inject({ method: "GET", url: "/metrics", headers: { authorization: `Bearer ${READ}` } })).body;
  const counts: Record<string, number> = {};
  for (const [, result, value] of text.matchAll(/^hookrelay_deliveries_total\{result="(\w+)"\} (\d+)$/gm)) counts[result] = Number(value);
  return counts;
}

test("a delivery it can accept is stored and answered without Fastify, as the route answers it", async () => {
  const sample = loadSample("git.push.json");
  const answer = await post("/hooks/ci", sample.raw);

  expect(seenByFastify).toEqual([]);
  expect(answer).toEqual({ status: 200, contentType: "application/json; charset=utf-8", retryAfter: null, body: JSON.stringify({ id: sample.id, duplicate: false, receiptCount: 1 }) });
  expect(store.stored).toHaveLength(1);
  expect(store.stored[0]).toMatchObject({ channel: "ci", eventId: sample.id, facts: { eventType: "git.push" } });
  expect(Buffer.from(store.stored[0].body).toString("utf8")).toBe(sample.raw);
  expect(store.stored[0].headers).not.toHaveProperty("authorization");
  // The route's answer to another delivery of the same kind has the same shape.
  const other = loadSample("git.push.json");
  expect(await routeAnswer("/hooks/ci", other.raw)).toEqual({ ...answer, body: JSON.stringify({ id: other.id, duplicate: false, receiptCount: 1 }) });
  expect(await deliveriesCounted()).toEqual({ stored: 2 });
});

/** A POST that sends Expect: 100-continue and its body only once the server answered 100 Continue. */
function postExpectingContinue(path: string, body: string): Promise<{ continued: boolean; status: number; body: string }> {
  return new Promise((resolve, reject) => {
    let continued = false;
    const request = httpRequest(origin + path, { method: "POST", headers: { ...HEADERS, "content-length": Buffer.byteLength(body), expect: "100-continue" } });
    request.on("continue", () => {
      continued = true;
      request.end(body);
    });
    request.on("response", (response) => {
      let text = "";
      response.setEncoding("utf8").on("data", (chunk: string) => (text += chunk));
      response.on("end", () => resolve({ continued, status: response.statusCode ?? 0, body: text }));
    });
    request.on("error", reject);
  });
}

test("a delivery sent with Expect: 100-continue (as .NET Framework clients send it) is taken too", async () => {
  const sample = loadSample("git.pullrequest.created.json");
  const answer = await postExpectingContinue("/hooks", sample.raw);

  expect(answer).toEqual({ continued: true, status: 200, body: JSON.stringify({ id: sample.id, duplicate: false, receiptCount: 1 }) });
  expect(seenByFastify).toEqual([]);
  expect(store.stored).toHaveLength(1);
  expect(store.stored[0].headers).toMatchObject({ expect: "100-continue" });
  expect(await deliveriesCounted()).toEqual({ stored: 1 });
});

const { raw } = loadSample("git.push.json");
const BODIES: [string, string | Buffer][] = [
  ["not JSON", "{"],
  ["empty object", "{}"],
  ["an array", "[1]"],
  ["a repeated key", raw.replace('"eventType"', '"id": "x", "eventType"')],
  ["a numeric id", JSON.stringify({ id: 7, eventType: "git.push" })],
  ["an id too long", JSON.stringify({ id: "a".repeat(257), eventType: "git.push" })],
  ["a control character in the id", JSON.stringify({ id: "a\tb", eventType: "git.push" })],
  ["a lone surrogate in the id", '{"id":"a\\ud800","eventType":"git.push"}'],
  ["no eventType", JSON.stringify({ id: "a" })],
  ["a __proto__ key", '{"id":"a","eventType":"git.push","__proto__":{}}'],
  ["bytes that are not UTF-8", Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x7d])],
];

test.each(BODIES)("a body with %s gets the route's answer, counted once", async (_name, body) => {
  const answer = await post("/hooks", body);

  expect(answer.status).toBe(400);
  expect(answer).toEqual(await routeAnswer("/hooks", body));
  expect(store.stored).toHaveLength(0);
  expect(await deliveriesCounted()).toEqual({ rejected_invalid: 2 });
});

test("ids the route may accept but this path does not judge go to the route: a paired surrogate, 256 characters", async () => {
  for (const id of ["push-😀", "a".repeat(256)]) {
    const answer = await post("/hooks", JSON.stringify({ id, eventType: "git.push" }));
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toEqual({ id, duplicate: false, receiptCount: 1 });
  }
  expect(store.stored.map((delivery) => delivery.eventId)).toEqual(["push-😀", "a".repeat(256)]);
});

test.each([
  ["a wrong token", { ...HEADERS, authorization: "Bearer nope" }, 401],
  ["no token", { "content-type": "application/json" }, 401],
  ["another content type", { ...HEADERS, "content-type": "text/plain" }, 415],
  ["an encoded body", { ...HEADERS, "content-encoding": "gzip" }, 415],
  ["a JSON type spelled otherwise", { ...HEADERS, "content-type": "application/vnd.api+json" }, 200],
] as const)("a request with %s goes to Fastify untouched", async (_name, headers, status) => {
  const sample = loadSample("git.push.json");
  const answer = await post("/hooks", sample.raw, headers);

  expect(answer.status).toBe(status);
  expect(seenByFastify).toEqual(["POST /hooks"]);
  if (status !== 200) expect(answer).toEqual(await routeAnswer("/hooks", sample.raw, headers));
});

test("paths and methods it does not take go to Fastify: a channel it would have to decode, a query, GET", async () => {
  const sample = loadSample("git.push.json");
  expect((await post("/hooks/a%20b", sample.raw)).status).toBe(400);
  expect((await post("/hooks?x=1", sample.raw)).status).toBe(200);
  expect((await fetch(`${origin}/hooks`)).status).toBe(405);
  expect(seenByFastify).toEqual(["POST /hooks/a%20b", "POST /hooks?x=1", "GET /hooks"]);
});

test("a store that cannot take the delivery: 503 with Retry-After, as the route answers it", async () => {
  store.failing = true;
  const sample = loadSample("git.push.json");
  const answer = await post("/hooks", sample.raw);

  expect(seenByFastify).toEqual([]);
  expect(answer.status).toBe(503);
  expect(answer.retryAfter).toBe("5");
  expect(answer).toEqual(await routeAnswer("/hooks", sample.raw));
  expect(await deliveriesCounted()).toEqual({ unavailable: 2 });
});
