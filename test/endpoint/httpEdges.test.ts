/**
 * What a careless or hostile client can send below the routes: bodies nobody asked for, wrong
 * methods, broken HTTP, odd headers. Each gets a documented 4xx in the JSON error shape, before
 * anything of an unwanted body is read.
 */
import { connect, type AddressInfo, type Socket } from "node:net";
import { gzipSync } from "node:zlib";
import { buildServer, type EndpointServer } from "../../src/endpoint/server";
import { loadSample, memoryStore } from "./helpers";

const INGEST = "ingest-token-0123456789abcdef";
const READ = "read-token-0123456789abcdefghij";
const THREE_MB = 3 * 1024 * 1024;

interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** Everything received, interim responses (100 Continue) included. */
  raw: string;
}

/** A connection to the server that sends exactly what it is given. */
class RawClient {
  private received = Buffer.alloc(0);
  private readonly closed: Promise<void>;
  private wake: (() => void) | undefined;

  private constructor(readonly socket: Socket) {
    socket.on("data", (chunk: Buffer) => {
      this.received = Buffer.concat([this.received, chunk]);
      this.wake?.();
    });
    socket.on("error", () => undefined);
    this.closed = new Promise((resolve) => socket.once("close", () => resolve()));
  }

  static open(app: EndpointServer): Promise<RawClient> {
    const { port } = app.server.address() as AddressInfo;
    return new Promise((resolve, reject) => {
      const socket = connect(port, "127.0.0.1", () => resolve(new RawClient(socket))).once("error", reject);
    });
  }

  send(data: string | Buffer): void {
    this.socket.write(data);
  }

  /** Waits until `done` holds for what was received, the server closes, or `timeoutMs` passes. */
  async until(done: (text: string) => boolean, timeoutMs = 5000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    while (!done(this.text) && !this.socket.destroyed && Date.now() < deadline) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([new Promise<void>((resolve) => (this.wake = resolve)), this.closed, new Promise((resolve) => (timer = setTimeout(resolve, 50)))]);
      clearTimeout(timer);
    }
    return this.text;
  }

  /** The first final (non-1xx) response, once its body has arrived in full. */
  async response(timeoutMs = 5000): Promise<RawResponse> {
    const text = await this.until((t) => parseFinal(t) !== undefined, timeoutMs);
    const parsed = parseFinal(text);
    if (!parsed) throw new Error(`No complete response within ${timeoutMs} ms; got ${JSON.stringify(text.slice(0, 300))}`);
    return { ...parsed, raw: text };
  }

  /** Resolves true if the server closes the connection within `timeoutMs`. */
  closedWithin(timeoutMs: number): Promise<boolean> {
    return Promise.race([this.closed.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), timeoutMs))]);
  }

  destroy(): void {
    this.socket.destroy();
  }

  private get text(): string {
    return this.received.toString("latin1");
  }
}

function parseFinal(text: string): Omit<RawResponse, "raw"> | undefined {
  let rest = text;
  for (;;) {
    const end = rest.indexOf("\r\n\r\n");
    if (end === -1) return undefined;
    const [statusLine, ...lines] = rest.slice(0, end).split("\r\n");
    const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(statusLine)?.[1]);
    const headers = Object.fromEntries(lines.map((line) => [line.slice(0, line.indexOf(":")).toLowerCase(), line.slice(line.indexOf(":") + 1).trim()]));
    if (status >= 100 && status < 200) {
      rest = rest.slice(end + 4);
      continue;
    }
    const body = rest.slice(end + 4);
    const length = Number(headers["content-length"] ?? 0);
    if (Buffer.byteLength(body, "latin1") < length) return undefined;
    return { status, headers, body: body.slice(0, length) };
  }
}

const head = (requestLine: string, headers: Record<string, string | number>) =>
  `${requestLine}\r\nHost: 127.0.0.1\r\n${Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`).join("")}\r\n`;

function expectJsonError(response: Pick<RawResponse, "status" | "body" | "headers">, status: number, code: string): void {
  expect({ status: response.status, type: response.headers["content-type"] }).toEqual({ status, type: expect.stringMatching(/^application\/json/) });
  const parsed = JSON.parse(response.body) as { error: { code: string; message: string } };
  expect(parsed).toEqual({ error: { code, message: expect.any(String) } });
}

describe("HTTP edges", () => {
  let store: ReturnType<typeof memoryStore>;
  let app: EndpointServer;
  const clients: RawClient[] = [];

  const open = async () => {
    const client = await RawClient.open(app);
    clients.push(client);
    return client;
  };

  beforeEach(async () => {
    store = memoryStore();
    app = buildServer({ store, ingestTokens: [INGEST], readTokens: [READ], timeouts: { headersMs: 2000, requestMs: 4000, checkIntervalMs: 100 } });
    await app.listen({ port: 0, host: "127.0.0.1" });
  });
  afterEach(async () => {
    for (const client of clients.splice(0)) client.destroy();
    await app.close();
  });

  describe("nothing is read before the route, the method and the token are checked", () => {
    test.each([
      { what: "an unauthenticated delivery", requestLine: "POST /hooks HTTP/1.1", token: undefined, status: 401, code: "unauthorized" },
      { what: "a delivery with a read token", requestLine: "POST /hooks/team HTTP/1.1", token: READ, status: 401, code: "unauthorized" },
      { what: "an unknown route", requestLine: "POST /nope HTTP/1.1", token: INGEST, status: 404, code: "not_found" },
      { what: "a read route", requestLine: "POST /api/events HTTP/1.1", token: READ, status: 405, code: "method_not_allowed" },
      { what: "a read route, unauthenticated", requestLine: "POST /api/events/stream HTTP/1.1", token: undefined, status: 405, code: "method_not_allowed" },
    ])("$what with a 3 MB body: $status at once, and the connection is closed without reading the body", async ({ requestLine, token, status, code }) => {
      const client = await open();
      const headers: Record<string, string | number> = { "Content-Type": "application/json", "Content-Length": THREE_MB };
      if (token) headers.Authorization = `Bearer ${token}`;
      client.send(head(requestLine, headers));
      // Only the first 64 KiB of the 3 MB are ever sent: the answer cannot wait for the rest.
      client.send(Buffer.alloc(64 * 1024, "["));
      const response = await client.response();

      expectJsonError(response, status, code);
      expect(response.headers.connection).toBe("close");
      expect(await client.closedWithin(2000)).toBe(true);
      expect(store.stored).toEqual([]);
    });

    test("a client that sends its whole body regardless still gets the answer, not a reset", async () => {
      const { port } = app.server.address() as AddressInfo;
      const body = Buffer.alloc(THREE_MB, "[");
      for (const [path, token, status] of [["/hooks", undefined, 401], ["/nope", INGEST, 404], ["/api/events", READ, 405]] as const) {
        for (let attempt = 0; attempt < 3; attempt++) {
          const headers: Record<string, string> = { "content-type": "application/json" };
          if (token) headers.authorization = `Bearer ${token}`;
          const response = await fetch(`http://127.0.0.1:${port}${path}`, { method: "POST", headers, body });
          expect({ path, status: response.status }).toEqual({ path, status });
          await response.text();
        }
      }
    });

    test("405 names the methods the path answers", async () => {
      const client = await open();
      client.send(head("DELETE /api/events/some-id HTTP/1.1", { Authorization: `Bearer ${READ}` }));
      const response = await client.response();
      expectJsonError(response, 405, "method_not_allowed");
      expect(response.headers.allow).toBe("GET, HEAD");
      expect((await app.inject({ method: "GET", url: "/hooks" })).headers.allow).toBe("POST");
    });

    test("Expect: 100-continue gets 100 Continue only once the token is accepted", async () => {
      const refused = await open();
      refused.send(head("POST /hooks HTTP/1.1", { "Content-Type": "application/json", "Content-Length": THREE_MB, Expect: "100-continue" }));
      const refusal = await refused.response();
      expect(refusal.raw).not.toContain("100 Continue");
      expectJsonError(refusal, 401, "unauthorized");

      const body = loadSample("git.push.json").raw;
      const accepted = await open();
      accepted.send(
        head("POST /hooks HTTP/1.1", { Authorization: `Bearer ${INGEST}`, "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body), Expect: "100-continue" }),
      );
      expect(await accepted.until((text) => text.includes("\r\n\r\n"))).toMatch(/^HTTP\/1\.1 100 Continue\r\n/);
      accepted.send(body);
      expect((await accepted.response()).status).toBe(200);
      expect(store.stored).toHaveLength(1);

      const tooLarge = await open();
      tooLarge.send(head("POST /hooks HTTP/1.1", { Authorization: `Bearer ${INGEST}`, "Content-Type": "application/json", "Content-Length": 64 * 1024 * 1024, Expect: "100-continue" }));
      const refusedTooLarge = await tooLarge.response();
      expect(refusedTooLarge.raw).not.toContain("100 Continue");
      expectJsonError(refusedTooLarge, 413, "payload_too_large");
    });
  });

  describe("errors below the routes use the documented JSON shape", () => {
    test.each([
      {
        what: "a broken chunked body",
        request: head("POST /hooks HTTP/1.1", { Authorization: `Bearer ${INGEST}`, "Content-Type": "application/json", "Transfer-Encoding": "chunked" }) + "zz\r\n{}\r\n",
        status: 400,
        code: "malformed_request",
      },
      { what: "a header name with a space", request: "GET /healthz HTTP/1.1\r\nHost: x\r\nBad Header: 1\r\n\r\n", status: 400, code: "malformed_request" },
      {
        what: "both Content-Length and Transfer-Encoding",
        request: head("POST /hooks HTTP/1.1", { Authorization: `Bearer ${INGEST}`, "Content-Length": 2, "Transfer-Encoding": "chunked" }) + "0\r\n\r\n",
        status: 400,
        code: "malformed_request",
      },
      { what: "32 KiB of headers", request: head("GET /healthz HTTP/1.1", { "X-Padding": "a".repeat(32 * 1024) }), status: 431, code: "headers_too_large" },
      { what: "an Expect other than 100-continue", request: head("POST /hooks HTTP/1.1", { Authorization: `Bearer ${INGEST}`, Expect: "202-accepted", "Content-Length": 2 }), status: 417, code: "expectation_failed" },
      { what: "malformed percent-encoding in the path", request: head("GET /api/events/%E0%A4%A HTTP/1.1", { Authorization: `Bearer ${READ}` }), status: 400, code: "invalid_url" },
      { what: "a path that is not UTF-8", request: head("GET /api/events/%ED%A0%80 HTTP/1.1", { Authorization: `Bearer ${READ}` }), status: 400, code: "invalid_url" },
      { what: "a request target that is not a path", request: "GET http//nowhere HTTP/1.1\r\nHost: x\r\n\r\n", status: 400, code: "invalid_url" },
    ])("$what: $status $code", async ({ request, status, code }) => {
      const client = await open();
      client.send(request);
      expectJsonError(await client.response(), status, code);
    });

    test("headers that never finish: 408 in the JSON shape at the headers timeout", async () => {
      const client = await open();
      client.send("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ");
      expectJsonError(await client.response(6000), 408, "request_timeout");
    });
  });

  describe("bodies", () => {
    const post = (type: string, payload: string | Buffer, headers: Record<string, string> = {}) =>
      app.inject({ method: "POST", url: "/hooks", headers: { authorization: `Bearer ${INGEST}`, "content-type": type, ...headers }, payload });
    const error = (response: { statusCode: number; json(): any }) => ({ status: response.statusCode, code: response.json().error?.code });

    test.each([
      "application/json",
      "application/json; charset=utf-8",
      "Application/JSON;charset=UTF-8",
      "application/vnd.api+json",
      "application/vnd.api+json; charset=utf-8",
      "application/cloudevents+json ; charset=UTF-8",
    ])("%s is accepted", async (type) => {
      expect((await post(type, loadSample("git.push.json").raw)).statusCode).toBe(200);
    });

    test.each(["application/jsonx", "application/vnd.api+jsonp", "text/json", "application/x-www-form-urlencoded"])("%s is 415", async (type) => {
      expect(error(await post(type, loadSample("git.push.json").raw))).toEqual({ status: 415, code: "unsupported_media_type" });
    });

    test("a Content-Encoding other than identity is 415, not stored as if it were plain", async () => {
      const raw = loadSample("git.push.json").raw;
      expect(error(await post("application/json", gzipSync(raw), { "content-encoding": "gzip" }))).toEqual({ status: 415, code: "unsupported_encoding" });
      expect(error(await post("application/json", raw, { "content-encoding": "br, identity" }))).toEqual({ status: 415, code: "unsupported_encoding" });
      expect(store.stored).toEqual([]);
      expect((await post("application/json", raw, { "content-encoding": "Identity" })).statusCode).toBe(200);
    });

    test("an id or eventType with a lone surrogate is refused at the door; a surrogate pair is fine", async () => {
      const event = (id: string, eventType = "git.push") => `{"id":"${id}","eventType":"${eventType}"}`;
      expect(error(await post("application/json", event("a\\ud800b")))).toEqual({ status: 400, code: "invalid_id" });
      expect(error(await post("application/json", event("a\\udfffb")))).toEqual({ status: 400, code: "invalid_id" });
      expect(error(await post("application/json", event("\\ude00\\ud83d")))).toEqual({ status: 400, code: "invalid_id" });
      expect(error(await post("application/json", event("ok", "git.push\\ud800")))).toEqual({ status: 400, code: "invalid_event_type" });
      expect(store.stored).toEqual([]);
      expect((await post("application/json", event("pair-\\ud83d\\ude00")))).toMatchObject({ statusCode: 200 });
      expect(store.stored.map((d) => d.eventId)).toEqual(["pair-\u{1F600}"]);
    });
  });

  describe("HEAD answers wherever GET does", () => {
    test.each(["/api/events", "/api/events/stream", "/api/events/stream?lastEventId=5", "/healthz", "/readyz", "/metrics"])("HEAD %s", async (path) => {
      const client = await open();
      client.send(head(`HEAD ${path} HTTP/1.1`, { Authorization: `Bearer ${READ}` }));
      const text = await client.until((t) => t.includes("\r\n\r\n"), 3000);
      expect(text).toMatch(/^HTTP\/1\.1 200 /);
    });

    test("HEAD of a missing event is 404, of /hooks 405", async () => {
      const auth = { authorization: `Bearer ${READ}` };
      expect((await app.inject({ method: "HEAD", url: "/api/events/missing", headers: auth })).statusCode).toBe(404);
      expect((await app.inject({ method: "HEAD", url: "/hooks" })).statusCode).toBe(405);
      expect((await app.inject({ method: "HEAD", url: "/nope" })).statusCode).toBe(404);
    });
  });
});
