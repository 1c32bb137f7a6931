/** A minimal EventSource for the stream tests: parses what the stream sends, never reconnects by itself. */
import { request as httpRequest, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import type { EndpointServer } from "../../src/endpoint/server";

export interface SseMessage {
  id?: string;
  event: string;
  data: any;
}

export class SseClient {
  readonly messages: SseMessage[] = [];
  private buffer = "";
  private readonly waiters = new Set<() => void>();

  private constructor(private readonly response: IncomingMessage) {
    response.setEncoding("utf8");
    response.on("data", (chunk: string) => this.receive(chunk));
  }

  static open(app: EndpointServer, path: string, readToken: string, headers: Record<string, string> = {}): Promise<SseClient> {
    const { port } = app.server.address() as AddressInfo;
    return new Promise((resolve, reject) => {
      httpRequest({ host: "127.0.0.1", port, path, headers: { authorization: `Bearer ${readToken}`, ...headers } }, (response) => {
        if (response.statusCode !== 200) reject(new Error(`stream answered ${response.statusCode}`));
        else resolve(new SseClient(response));
      })
        .on("error", reject)
        .end();
    });
  }

  /** The `hook` messages in arrival order: their SSE id (the position) and the event id they carry. */
  get hooks(): { id: string; eventId: string }[] {
    return this.messages.filter((m) => m.event === "hook").map((m) => ({ id: m.id!, eventId: m.data.id }));
  }

  /** Event ids (not positions) of the `hook` messages, in arrival order. */
  get hookIds(): string[] {
    return this.hooks.map((hook) => hook.eventId);
  }

  async waitFor(done: (client: SseClient) => boolean, what: string, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!done(this)) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`Timed out waiting for ${what}; got ${JSON.stringify(this.messages.map((m) => [m.event, m.data?.id]))}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 200));
        this.waiters.add(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Waits until a hook message with this event id arrived. */
  waitForHook(eventId: string): Promise<void> {
    return this.waitFor((c) => c.hookIds.includes(eventId), `event ${eventId}`);
  }

  close(): void {
    this.response.destroy();
  }

  private receive(chunk: string): void {
    this.buffer += chunk;
    const blocks = this.buffer.split("\n\n");
    this.buffer = blocks.pop()!;
    for (const block of blocks) {
      const fields = block.split("\n").filter((line) => !line.startsWith(":"));
      if (fields.length === 0) continue;
      const value = (name: string) => fields.find((line) => line.startsWith(`${name}: `))?.slice(name.length + 2);
      this.messages.push({ id: value("id"), event: value("event") ?? "message", data: JSON.parse(value("data") ?? "null") });
    }
    for (const wake of [...this.waiters]) wake();
    this.waiters.clear();
  }
}
