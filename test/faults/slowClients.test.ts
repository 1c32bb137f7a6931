/**
 * Slowloris and oversized bodies: slow connections are timed out, a too-large body is refused
 * with 413 before it has been sent in full, and memory stays bounded while that happens.
 */
import { mkdtempSync, rmSync } from "node:fs";
import type { Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { INGEST_TOKEN, startEndpoint, type RunningEndpoint } from "./support/endpoint";
import { closedWithin, openSocket, responseHead } from "./support/rawHttp";
import { deliver } from "./support/sender";

const BODY_LIMIT = 1024 * 1024;
/** How long a connection that never finishes its request may stay open. */
const SLOW_CLIENT_DEADLINE_MS = 20_000;
const SLOW_CLIENTS = 20;
const OVERSIZED_BYTES = 32 * BODY_LIMIT;

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
      env: { HOOKRELAY_BODY_LIMIT: String(BODY_LIMIT) },
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
