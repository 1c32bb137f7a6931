/** A local HTTP receiver that records what it gets and answers with scripted statuses. */
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";

export interface Received {
  url: string;
  headers: IncomingHttpHeaders;
  body: Record<string, unknown>;
}

export interface Receiver {
  url: string;
  received: Received[];
  /** Statuses for the next requests, in order; after that `fallback`. */
  script(statuses: number[], fallback?: number): void;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  let queue: number[] = [];
  let fallback = 200;
  const received: Received[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (c: Buffer) => chunks.push(c));
    request.on("end", () => {
      received.push({ url: request.url ?? "", headers: request.headers, body: JSON.parse(Buffer.concat(chunks).toString("utf8")) });
      response.writeHead(queue.shift() ?? fallback, { "content-type": "text/plain", "x-receiver": "test" });
      response.end("this body is never read");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    received,
    script(statuses, next = 200) {
      queue = [...statuses];
      fallback = next;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
