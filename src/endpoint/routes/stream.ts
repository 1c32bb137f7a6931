/** GET /api/events/stream: Server-Sent Events, one `hook` event per newly stored event. */
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { ServerResponse } from "node:http";
import { requireBearer, type TokenCheck } from "../auth";
import type { EventFeed } from "../feed";

export interface StreamOptions {
  checkToken: TokenCheck;
  feed: EventFeed;
  heartbeatMs: number;
}

/** A client this far behind is dropped rather than buffered without end. */
const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;

export async function streamRoutes(app: FastifyInstance, options: StreamOptions): Promise<void> {
  const open = new Set<ServerResponse>();
  app.addHook("onRequest", requireBearer(options.checkToken));
  // Streams never finish on their own; without this, close() would wait for them forever.
  app.addHook("preClose", async () => {
    for (const response of open) response.end();
  });

  app.get(
    "/api/events/stream",
    { schema: { querystring: { type: "object", properties: { eventType: { type: "string" }, channel: { type: "string" } } } } },
    (request: FastifyRequest<{ Querystring: { eventType?: string; channel?: string } }>, reply) => {
      const { eventType, channel } = request.query;
      reply.hijack();
      const response = reply.raw;
      response.writeHead(200, {
        "content-type": "text/event-stream; charset=utf-8",
        "cache-control": "no-cache, no-transform",
        connection: "keep-alive",
        "x-accel-buffering": "no",
      });
      response.write(": connected\n\n");
      open.add(response);

      const unsubscribe = options.feed.subscribe((event) => {
        if (eventType !== undefined && event.eventType !== eventType) return;
        if (channel !== undefined && event.channel !== channel) return;
        if (response.writableLength > MAX_BUFFERED_BYTES) return response.destroy();
        response.write(`id: ${event.rowId}\nevent: hook\ndata: ${JSON.stringify(event)}\n\n`);
      });
      const heartbeat = setInterval(() => response.write(": heartbeat\n\n"), options.heartbeatMs);
      response.on("close", () => {
        clearInterval(heartbeat);
        unsubscribe();
        open.delete(response);
      });
    },
  );
}
