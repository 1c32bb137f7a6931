/** Hook Relay's compiled endpoint (build/src/endpoint/main.js) as a child process. */
import { endpointMain } from "./paths.mjs";
import { startServer } from "./process.mjs";

export const INGEST_TOKEN = "bench-ingest-token-0123456789";
export const READ_TOKEN = "bench-read-token-0123456789ab";

/**
 * Starts the endpoint on `db` (sqlite:<path> or postgres://…) with its data in `workDir` (and
 * `nodeFlags` given to node), and resolves once /readyz answers 200.
 */
export function startHookRelay({ db, workDir, env = {}, nodeFlags = [] }) {
  return startServer({
    script: endpointMain,
    nodeFlags,
    workDir,
    readyPath: "/readyz",
    env: {
      HOOKRELAY_DB: db,
      HOOKRELAY_DATA_DIR: workDir,
      HOOKRELAY_TOKENS: INGEST_TOKEN,
      HOOKRELAY_READ_TOKENS: READ_TOKEN,
      ...env,
    },
  });
}
