/**
 * The real companion endpoint (src/endpoint), started beside the devhost for `npm run demo` and the
 * e2e tests. It serves https with a self-signed certificate made for this run, as Azure DevOps only
 * delivers to https; the devhost's delivery engine trusts that certificate.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildServer } from "../../endpoint/server";
import { openStore } from "../../endpoint/store";
import { generateToken } from "../../endpoint/tokens";
import { generateLocalCertificate } from "./tls";

export interface Companion {
  /** Where Azure DevOps should deliver: https://127.0.0.1:<port>/hooks */
  hooksUrl: string;
  origin: string;
  ingestToken: string;
  readToken: string;
  /** The endpoint's self-signed certificate (PEM): trust it to talk to the endpoint. */
  certificate: string;
  close(): Promise<void>;
}

export async function startCompanion(options: { port?: number } = {}): Promise<Companion> {
  const dataDir = mkdtempSync(join(tmpdir(), "hookrelay-demo-"));
  const { key, cert } = generateLocalCertificate(dataDir);
  const store = await openStore(`sqlite:${join(dataDir, "hookrelay.db")}`);
  const ingestToken = generateToken();
  const readToken = generateToken();
  const app = buildServer({ store, ingestTokens: [ingestToken], readTokens: [readToken], https: { key, cert } });
  await app.listen({ port: options.port ?? 0, host: "127.0.0.1" });
  const { port } = app.server.address() as { port: number };
  const origin = `https://127.0.0.1:${port}`;
  return {
    hooksUrl: `${origin}/hooks`,
    origin,
    ingestToken,
    readToken,
    certificate: cert,
    async close() {
      await app.close();
      await store.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
