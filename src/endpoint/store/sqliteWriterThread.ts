/**
 * The worker-thread half of ThreadedSqliteStore: it owns the write connection and runs each
 * request it is sent, one at a time, in order.
 */
import { parentPort, workerData } from "node:worker_threads";
import { SqliteStore, type SqliteStoreOptions } from "./sqlite";
import type { WriterNotice, WriterReply, WriterRequest } from "./sqliteThreaded";

const port = parentPort;
if (!port) throw new Error("sqliteWriterThread runs only as a worker thread.");

const store = new SqliteStore({
  ...(workerData as SqliteStoreOptions),
  onReopen: (message) => port.postMessage({ reopened: message } satisfies WriterNotice),
});

port.on("message", (request: WriterRequest) => {
  void run(request).then((reply) => port.postMessage(reply));
});

async function run(request: WriterRequest): Promise<WriterReply> {
  try {
    switch (request.kind) {
      case "recordBatch":
        return { id: request.id, result: await store.recordBatch(request.deliveries) };
      case "prune":
        return { id: request.id, result: await store.prune(request.step) };
      case "durability":
        return { id: request.id, result: await store.durability() };
      case "close":
        await store.close();
        return { id: request.id, result: undefined };
    }
  } catch (error) {
    const { message, code } = error as { message?: string; code?: unknown };
    return { id: request.id, error: message ?? String(error), code: typeof code === "string" ? code : undefined };
  }
}
