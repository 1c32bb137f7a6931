/** The real companion endpoint (src/endpoint), started beside the devhost for `npm run demo` and the e2e tests. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildServer } from "../endpoint/server";
import { openStore } from "../endpoint/store";
import { generateToken } from "../endpoint/tokens";

export interface Companion {
  /** Where Azure DevOps should deliver: http://127.0.0.1:<port>/hooks */
  hooksUrl: string;
  origin: string;
  ingestToken: string;
  readToken: string;
  close(): Promise<void>;
}

export async function startCompanion(options: { port?: number } = {}): Promise<Companion> {
  const dataDir = mkdtempSync(join(tmpdir(), "hookrelay-demo-"));
  const store = await openStore(`sqlite:${join(dataDir, "hookrelay.db")}`);
  const ingestToken = generateToken();
  const readToken = generateToken();
  const app = buildServer({ store, ingestTokens: [ingestToken], readTokens: [readToken] });
  await app.listen({ port: options.port ?? 0, host: "127.0.0.1" });
  const { port } = app.server.address() as { port: number };
  const origin = `http://127.0.0.1:${port}`;
  return {
    hooksUrl: `${origin}/hooks`,
    origin,
    ingestToken,
    readToken,
    async close() {
      await app.close();
      await store.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
