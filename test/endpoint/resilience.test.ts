/** /readyz after failed commits, and connection timeouts against slow clients. */
import { connect, type Socket } from "node:net";
import type { AddressInfo } from "node:net";
import { buildServer, type ServerOptions } from "../../src/endpoint/server";
import type { EventStore } from "../../src/endpoint/store/types";
import { loadSample, memoryStore } from "./helpers";

const INGEST = "ingest-token-0123456789abcdef";
const READ = "read-token-0123456789abcdefghij";


const build = (store: EventStore, options: Partial<ServerOptions> = {}) => buildServer({ store, ingestTokens: [INGEST], readTokens: [READ], ...options });

test("/readyz answers 503 while the latest commit failed and 200 again after one succeeds", async () => {
  const store = memoryStore();
  const app = build(store);
  const deliver = () =>
    app.inject({ method: "POST", url: "/hooks", headers: { authorization: `Bearer ${INGEST}`, "content-type": "application/json" }, payload: loadSample("git.push.json").raw });
  const ready = async () => (await app.inject({ url: "/readyz" })).statusCode;
  try {
    expect(await ready()).toBe(200);
    store.failing = true;
    expect((await deliver()).statusCode).toBe(503);
    const answer = await app.inject({ url: "/readyz" });
    expect(answer.statusCode).toBe(503);
    expect(answer.json().error.message).toContain("SQLITE_FULL");
    store.failing = false;
    expect(await ready()).toBe(503);
    expect((await deliver()).statusCode).toBe(200);
    expect(await ready()).toBe(200);
  } finally {
    await app.close();
  }
});

test("/readyz turns 200 again after the hold, so an instance taken out of rotation can be probed", async () => {
  const store = memoryStore();
  const app = build(store, { failedCommitHoldMs: 300 });
  const ready = async () => (await app.inject({ url: "/readyz" })).statusCode;
  try {
    store.failing = true;
    const sentAt = Date.now();
    const delivered = await app.inject({ method: "POST", url: "/hooks", headers: { authorization: `Bearer ${INGEST}`, "content-type": "application/json" }, payload: loadSample("git.push.json").raw });
    expect(delivered.statusCode).toBe(503);
    expect(await ready()).toBe(503);
    while ((await ready()) !== 200 && Date.now() - sentAt < 5_000) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(await ready()).toBe(200);
    expect(Date.now() - sentAt).toBeGreaterThanOrEqual(300);
  } finally {
    await app.close();
  }
});

describe("connection timeouts", () => {
  const open = (port: number) =>
    new Promise<Socket>((resolve, reject) => {
      const socket = connect(port, "127.0.0.1", () => resolve(socket)).on("error", reject);
    });
  /** Milliseconds until the server ends the connection, or undefined if it has not within `ms`. */
  const closedWithin = (socket: Socket, ms: number) =>
    new Promise<number | undefined>((resolve) => {
      const started = Date.now();
      const timer = setTimeout(() => resolve(undefined), ms);
      socket.on("data", () => undefined).on("error", () => undefined).once("close", () => {
        clearTimeout(timer);
        resolve(Date.now() - started);
      });
    });

  test("a slowloris dripping its headers is closed at the headers timeout, long before the request timeout", async () => {
    const app = build(memoryStore(), { timeouts: { headersMs: 400, requestMs: 3000, checkIntervalMs: 50 } });
    await app.listen({ port: 0, host: "127.0.0.1" });
    const { port } = app.server.address() as AddressInfo;
    const head = `POST /hooks HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${INGEST}\r\nContent-Type: application/json\r\n`;
    const headers = await open(port);
    const body = await open(port);
    let answer = "";
    headers.on("data", (chunk: Buffer) => (answer += chunk.toString()));
    // A header byte every 50 ms: the connection is never idle, only slow.
    const drip = setInterval(() => headers.writable && headers.write("a"), 50);
    try {
      headers.write(`${head}X-Slow: `);
      body.write(`${head}Content-Length: 100\r\n\r\n{`);
      const [headersClosed, bodyClosed] = await Promise.all([closedWithin(headers, 6000), closedWithin(body, 6000)]);
      expect(headersClosed).toBeDefined();
      expect(headersClosed!).toBeLessThan(1500);
      expect(answer).toMatch(/^HTTP\/1\.1 408 /);
      expect(JSON.parse(answer.slice(answer.indexOf("\r\n\r\n") + 4))).toEqual({ error: { code: "request_timeout", message: expect.any(String) } });
      // Headers complete, body never finished: only the request timeout applies.
      expect(bodyClosed).toBeDefined();
      expect(bodyClosed!).toBeGreaterThanOrEqual(2500);
    } finally {
      clearInterval(drip);
      headers.destroy();
      body.destroy();
      await app.close();
    }
  });
});
