/**
 * Slowloris, oversized bodies and stream clients that never read: slow connections are timed out,
 * a too-large body is refused with 413 before it has been sent in full, stream clients too far
 * behind are disconnected, and memory stays bounded while that happens.
 */
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { get } from "node:http";
import type { Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadSample } from "../../src/contract/samples";
import { INGEST_TOKEN, READ_TOKEN, startEndpoint, type RunningEndpoint } from "./support/endpoint";
import { closedWithin, openSocket, responseHead } from "./support/rawHttp";
import { deliver } from "./support/sender";

const BODY_LIMIT = 1024 * 1024;
/** How long a connection that never finishes its request may stay open. */
const SLOW_CLIENT_DEADLINE_MS = 20_000;
const SLOW_CLIENTS = 20;
const OVERSIZED_BYTES = 32 * BODY_LIMIT;
const STREAM_CLIENT_BUFFER = 256 * 1024;
const STREAM_TOTAL_BUFFER = 16 * 1024 * 1024;
const STALLED_STREAMS = 100;

const requestHead = (extra: string) =>
  `POST /hooks HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${INGEST_TOKEN}\r\nContent-Type: application/json\r\n${extra}`;

describe("slow and oversized clients", () => {
  let dataDir: string;
  let endpoint: RunningEndpoint;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "hookrelay-faults-slow-"));
    endpoint = await startEndpoint({
      db: `sqlite:${join(dataDir, "hookrelay.db")}`,
      dataDir,
      env: {
        HOOKRELAY_BODY_LIMIT: String(BODY_LIMIT),
        HOOKRELAY_STREAM_CLIENT_BUFFER_BYTES: String(STREAM_CLIENT_BUFFER),
        HOOKRELAY_STREAM_TOTAL_BUFFER_BYTES: String(STREAM_TOTAL_BUFFER),
      },
    });
  });

  afterAll(async () => {
    await endpoint?.kill();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test("connections that send their headers or body a byte at a time are closed, and others still get through", async () => {
    const sockets: Socket[] = [];
    const drips: NodeJS.Timeout[] = [];
    try {
      for (let i = 0; i < SLOW_CLIENTS; i++) {
        const socket = await openSocket(endpoint.url);
        // Half never finish their headers; half announce a body and never finish it.
        socket.write(i % 2 === 0 ? requestHead("X-Slow: ") : requestHead("Content-Length: 4096\r\n\r\n{"));
        drips.push(setInterval(() => socket.writable && socket.write("a"), 1000));
        sockets.push(socket);
      }
      const closed = sockets.map((socket) => closedWithin(socket, SLOW_CLIENT_DEADLINE_MS));
      // Meanwhile a normal delivery is served.
      expect((await deliver(endpoint.url, "a1b2c3d4-0000-4000-8000-000000000001")).status).toBe(200);
      const times = await Promise.all(closed);
      expect(times.filter((t) => t === undefined)).toHaveLength(0);
    } finally {
      drips.forEach(clearInterval);
      sockets.forEach((s) => s.destroy());
    }
    expect(endpoint.alive()).toBe(true);
  });

  test("a Content-Length over the limit gets 413 before the body is sent", async () => {
    const socket = await openSocket(endpoint.url);
    socket.write(requestHead(`Content-Length: ${50 * BODY_LIMIT}\r\n\r\n`));
    socket.write(Buffer.alloc(64 * 1024, "a"));
    const head = await responseHead(socket, 5000);
    socket.destroy();
    expect(head).toMatch(/^HTTP\/1\.1 413 /);
  });

  test("a chunked body that grows past the limit gets 413 long before it ends", async () => {
    const { head, sentBytes } = await sendChunkedUntilAnswered(endpoint.url, OVERSIZED_BYTES);
    expect(head).toMatch(/^HTTP\/1\.1 413 /);
    // What the kernel buffers on loopback comes on top of the limit, but not the whole body.
    expect(sentBytes).toBeLessThan(OVERSIZED_BYTES / 2);
  });

  test("memory stays bounded across many oversized attempts", async () => {
    const before = endpoint.rssKb();
    for (let round = 0; round < 10; round++) {
      await Promise.all(Array.from({ length: 8 }, () => sendChunkedUntilAnswered(endpoint.url, OVERSIZED_BYTES)));
    }
    const growthMiB = (endpoint.rssKb() - before) / 1024;
    expect(growthMiB).toBeLessThan(64);
    expect((await fetch(`${endpoint.url}/healthz`)).status).toBe(200);
  });

  test("100 stream clients that never read are disconnected under a flood, and memory stays bounded", async () => {
    const stalled: Socket[] = [];
    try {
      // Ingest alone grows the heap at first; memory is measured from after a warm-up.
      for (let i = 0; i < 40; i++) expect(await deliverRaw(endpoint.url, fatPush(1000))).toBe(200);
      for (let i = 0; i < STALLED_STREAMS; i++) stalled.push(await stalledStream(endpoint.url));
      const reader = countingStream(endpoint.url);
      await waitFor(async () => (await metric(endpoint.url, "hookrelay_stream_clients")) === STALLED_STREAMS + 1, "all streams open");
      const before = endpoint.rssKb();

      // Each event's stream message is ~160 KB, 120 of them ~19 MB per client: more than the kernel's
      // socket buffers take for a client that does not read, and all of it would stay queued without the limits.
      const events = 120;
      for (let i = 0; i < events; i++) expect(await deliverRaw(endpoint.url, fatPush(1000))).toBe(200);
      // Every event has been written to every open stream once the reading client has them all.
      await waitFor(async () => reader.hooks() === events, "the reading client to get every event");
      const growthMiB = (endpoint.rssKb() - before) / 1024;

      expect(await metric(endpoint.url, "hookrelay_stream_slow_disconnects_total")).toBe(STALLED_STREAMS);
      expect(await metric(endpoint.url, "hookrelay_stream_clients")).toBe(1);
      expect(growthMiB).toBeLessThan(64);
      reader.close();
    } finally {
      stalled.forEach((socket) => socket.destroy());
    }
    expect(endpoint.alive()).toBe(true);
  });
});

/** Streams a chunked JSON body of up to `maxBytes`, stopping as soon as the server answers. */
async function sendChunkedUntilAnswered(url: string, maxBytes: number): Promise<{ head?: string; sentBytes: number }> {
  const socket = await openSocket(url);
  socket.write(requestHead("Transfer-Encoding: chunked\r\n\r\n"));
  let answered = false;
  const headPromise = responseHead(socket, 15_000).then((head) => {
    answered = true;
    return head;
  });
  const chunk = Buffer.alloc(64 * 1024, "a");
  const framed = Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from("\r\n")]);
  let sentBytes = 0;
  const closed = new Promise((resolve) => socket.once("close", resolve));
  while (!answered && sentBytes < maxBytes && !socket.destroyed) {
    sentBytes += chunk.length;
    // Only as fast as the server reads (up to the kernel's socket buffers).
    if (!socket.write(framed)) await Promise.race([new Promise((resolve) => socket.once("drain", resolve)), headPromise, closed]);
  }
  const head = await headPromise;
  socket.destroy();
  return { head, sentBytes };
}

/** Opens GET /api/events/stream and stops reading once it has started. */
async function stalledStream(url: string): Promise<Socket> {
  const socket = await openSocket(url);
  socket.write(`GET /api/events/stream HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${READ_TOKEN}\r\n\r\n`);
  const head = await responseHead(socket, 5000);
  if (!head?.startsWith("HTTP/1.1 200 ")) throw new Error(`stream answered ${head}`);
  socket.pause();
  return socket;
}

/** A stream client that reads everything and counts the events. */
function countingStream(url: string): { hooks(): number; close(): void } {
  let text = "";
  const request = get(`${url}/api/events/stream`, { headers: { authorization: `Bearer ${READ_TOKEN}` } }, (response) => {
    response.setEncoding("utf8");
    response.on("data", (chunk: string) => (text += chunk));
  });
  request.on("error", () => undefined);
  return { hooks: () => text.split("event: hook\n").length - 1, close: () => request.destroy() };
}

/** A git.push that updated `count` refs: its stream message is about count × 160 bytes. */
function fatPush(count: number): string {
  const event = { ...loadSample("git.push"), id: randomUUID() } as Record<string, any>;
  const update = event.resource.refUpdates[0];
  event.resource = {
    ...event.resource,
    refUpdates: Array.from({ length: count }, (_, i) => ({ ...update, name: `refs/heads/feature/${String(i).padStart(4, "0")}-${"x".repeat(120)}` })),
  };
  return JSON.stringify(event);
}

async function deliverRaw(url: string, body: string): Promise<number> {
  const response = await fetch(`${url}/hooks`, {
    method: "POST",
    headers: { authorization: `Bearer ${INGEST_TOKEN}`, "content-type": "application/json" },
    body,
    signal: AbortSignal.timeout(10_000),
  });
  await response.text();
  return response.status;
}

async function metric(url: string, name: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return Number(new RegExp(`^${name} (\\d+)$`, "m").exec(text)?.[1]);
}

async function waitFor(condition: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
