/**
 * The open Server-Sent Events responses and the bytes queued for them. A client that does not read
 * as fast as events come has its messages queued in this process; once it is too far behind, alone
 * or with the others, it is disconnected rather than buffered without end. It loses nothing: it
 * reconnects with Last-Event-ID and the stream replays what it missed.
 */
import type { ServerResponse } from "node:http";

export interface StreamBuffers {
  /** Bytes queued for one client at most. */
  perClientBytes: number;
  /** Bytes queued for all clients together at most; past it, the clients that are behind are disconnected. */
  totalBytes: number;
}

export const DEFAULT_STREAM_BUFFERS: StreamBuffers = { perClientBytes: 1024 * 1024, totalBytes: 64 * 1024 * 1024 };

export class StreamClients {
  private readonly open = new Set<ServerResponse>();
  /** The sum of what is queued for all clients, summed at most once per tick (a feed announces a batch in one). */
  private queuedThisTick: number | undefined;

  constructor(
    readonly limits: StreamBuffers,
    private readonly onTooFarBehind: () => void = () => undefined,
  ) {}

  get size(): number {
    return this.open.size;
  }

  add(response: ServerResponse): void {
    this.open.add(response);
    response.once("close", () => this.open.delete(response));
  }

  endAll(): void {
    for (const response of this.open) response.end();
  }

  /**
   * Writes `message` unless the client is behind (something is still queued for it) and this would
   * take it past its own limit or everyone past the total: then it is disconnected instead. A client
   * that keeps up always gets the message, however large.
   */
  write(response: ServerResponse, message: Buffer | string): boolean {
    if (isClosed(response)) return false;
    const bytes = Buffer.byteLength(message);
    const queued = response.writableLength;
    if (queued > 0 && (queued + bytes > this.limits.perClientBytes || this.totalQueued() + bytes > this.limits.totalBytes)) {
      if (this.queuedThisTick !== undefined) this.queuedThisTick -= queued;
      response.destroy();
      this.onTooFarBehind();
      return false;
    }
    response.write(message);
    if (this.queuedThisTick !== undefined) this.queuedThisTick += bytes;
    return true;
  }

  private totalQueued(): number {
    if (this.queuedThisTick === undefined) {
      let total = 0;
      for (const response of this.open) total += response.writableLength;
      this.queuedThisTick = total;
      queueMicrotask(() => (this.queuedThisTick = undefined));
    }
    return this.queuedThisTick;
  }
}

export function isClosed(response: ServerResponse): boolean {
  return response.destroyed || response.writableEnded;
}
