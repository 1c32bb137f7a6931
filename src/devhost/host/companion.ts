/**
 * The real companion endpoint (src/endpoint), started beside the devhost for `npm run demo` and the
 * e2e tests. It serves https with a self-signed certificate made for this run, as Azure DevOps only
 * delivers to https; the devhost's delivery engine trusts that certificate. Given the stand-in's
 * organization URL and access token, it reconciles with it as it would with Azure DevOps.
 *
 * Two steps, because each side needs something of the other: the certificate (and data directory)
 * is made first so the devhost can trust it, then the endpoint starts once the devhost's URL is known.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AdoClient } from "../../endpoint/reconcile/client";
import { DEFAULT_RECONCILE_WINDOW_H } from "../../endpoint/config";
import { buildServer } from "../../endpoint/server";
import { openStore } from "../../endpoint/store";
import { generateToken } from "../../endpoint/tokens";
import { generateLocalCertificate, type LocalCertificate } from "./tls";

export interface CompanionIdentity {
  dataDir: string;
  /** The endpoint's self-signed certificate and key (PEM): trust the certificate to talk to the endpoint. */
  tls: LocalCertificate;
  ingestToken: string;
  readToken: string;
}

export interface Companion {
  /** Where Azure DevOps should deliver: https://127.0.0.1:<port>/hooks */
  hooksUrl: string;
  origin: string;
  ingestToken: string;
  readToken: string;
  certificate: string;
  close(): Promise<void>;
}

export interface CompanionOptions {
  port?: number;
  /** Reconcile with this organization (the stand-in's) using a personal access token. */
  reconcile?: { organizationUrl: string; token: string; intervalMs?: number };
}

/** How often the demo's endpoint reconciles: often enough to watch it happen. */
const DEMO_RECONCILE_INTERVAL_MS = 30_000;

export function companionIdentity(): CompanionIdentity {
  const dataDir = mkdtempSync(join(tmpdir(), "hookrelay-demo-"));
  return { dataDir, tls: generateLocalCertificate(dataDir), ingestToken: generateToken(), readToken: generateToken() };
}

/** A port free now, so the endpoint knows its own URL (HOOKRELAY_PUBLIC_URL) before it listens. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

export async function startCompanion(identity: CompanionIdentity, options: CompanionOptions = {}): Promise<Companion> {
  const { dataDir, tls, ingestToken, readToken } = identity;
  const port = options.port || (await freePort());
  const origin = `https://127.0.0.1:${port}`;
  const store = await openStore(`sqlite:${join(dataDir, "hookrelay.db")}`);
  const reconcile = options.reconcile && {
    client: new AdoClient({ organizationUrl: options.reconcile.organizationUrl, token: options.reconcile.token }),
    publicUrls: [`${origin}/`],
    intervalMs: options.reconcile.intervalMs ?? DEMO_RECONCILE_INTERVAL_MS,
    windowMs: DEFAULT_RECONCILE_WINDOW_H * 3600 * 1000,
  };
  const app = buildServer({ store, ingestTokens: [ingestToken], readTokens: [readToken], https: { key: tls.key, cert: tls.cert }, reconcile });
  await app.listen({ port, host: "127.0.0.1" });
  return {
    hooksUrl: `${origin}/hooks`,
    origin,
    ingestToken,
    readToken,
    certificate: tls.cert,
    async close() {
      await app.close();
      await store.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
