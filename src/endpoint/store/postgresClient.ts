/**
 * Holding one pool client for a while (a transaction, the reconciliation lock). A checked-out
 * client that loses its connection between two queries, as when PostgreSQL restarts or an
 * administrator ends the session, emits "error" with nobody listening, which would end the
 * process. Here the error is kept: the work's next query fails on its own, the client is
 * destroyed rather than returned to the pool, and `lost()` tells work that outlives its queries.
 */
import type { Pool, PoolClient } from "pg";

export interface HeldClient {
  client: PoolClient;
  /** The error that ended the connection while the client was held, if any. */
  lost(): Error | undefined;
}

export async function withClient<T>(pool: Pool, work: (held: HeldClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let lostWith: Error | undefined;
  const onError = (error: Error) => {
    lostWith = error;
  };
  client.on("error", onError);
  try {
    return await work({ client, lost: () => lostWith });
  } finally {
    client.off("error", onError);
    client.release(lostWith);
  }
}
