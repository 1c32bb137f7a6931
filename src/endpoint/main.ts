/** `npm start`: configuration, store, HTTP server, graceful shutdown. */
import { readFileSync } from "node:fs";
import { ConfigError, loadConfig, type EndpointConfig, type ReconcileConfig } from "./config";
import { AdoClient, AdoError } from "./reconcile/client";
import { buildServer } from "./server";
import { openStore } from "./store";
import { loadOrCreateToken } from "./tokens";

/** Configured tokens, or the first-start generated one, printed once when it is created. */
function resolveTokens(configured: string[], config: EndpointConfig, fileName: string, use: string): string[] {
  if (configured.length > 0) return configured;
  const stored = loadOrCreateToken(config.dataDir, fileName);
  if (stored.created) {
    // Straight to stdout, once, outside the logger: logs never carry tokens.
    process.stdout.write(
      `\nHook Relay generated the ${use} token (saved in ${stored.file}, shown only this once):\n\n  ${stored.token}\n\n`,
    );
  }
  return [stored.token];
}

function readTls(files: { certFile: string; keyFile: string }): { cert: Buffer; key: Buffer } {
  const read = (file: string, what: string) => {
    try {
      return readFileSync(file);
    } catch (error) {
      throw new ConfigError(`Cannot read the TLS ${what} ${file}: ${(error as Error).message}`);
    }
  };
  return { cert: read(files.certFile, "certificate"), key: read(files.keyFile, "key") };
}

/** The client reconciliation uses, once Azure DevOps has accepted its token: a rejected one stops the start. */
async function adoClient(config: ReconcileConfig): Promise<AdoClient> {
  const client = new AdoClient({ organizationUrl: config.organizationUrl, token: config.token });
  try {
    const user = await client.whoAmI();
    process.stdout.write(`Reconciling with ${config.organizationUrl} as ${user.displayName}\n`);
  } catch (error) {
    if (error instanceof AdoError && (error.status === 401 || error.status === 403)) {
      throw new ConfigError(`Azure DevOps rejected HOOKRELAY_ADO_TOKEN (${error.status}) at ${config.organizationUrl}: give a valid personal access token with Code (Read).`);
    }
    throw new ConfigError(`Cannot reach Azure DevOps at ${config.organizationUrl} to check HOOKRELAY_ADO_TOKEN: ${(error as Error).message}`);
  }
  return client;
}

async function main(): Promise<void> {
  const config = loadConfig(process.argv.slice(2), process.env);
  const ingestTokens = resolveTokens(config.tokens, config, "ingest-token", "ingest");
  const readTokens = resolveTokens(config.readTokens, config, "read-token", "read API");
  const https = config.tls && readTls(config.tls);
  const reconcile = config.reconcile && {
    client: await adoClient(config.reconcile),
    publicUrls: config.reconcile.publicUrls,
    intervalMs: config.reconcile.intervalMs,
    windowMs: config.reconcile.windowMs,
  };

  const logger = { level: config.logLevel };
  const store = await openStore(config.db, {
    sqliteSynchronous: config.sqliteSynchronous,
    sqliteWriterThread: true,
    onPoolError: (error) => app.log.warn({ err: error }, "idle PostgreSQL connection failed"),
    onSqliteReopen: (message) => app.log.error(message),
  });
  const app = buildServer({
    store,
    ingestTokens,
    readTokens,
    bodyLimitBytes: config.bodyLimitBytes,
    logger,
    retention: { days: config.retentionDays, maxRows: config.retentionMaxRows },
    processMetrics: true,
    https,
    timeouts: config.timeouts,
    streamBuffers: config.streamBuffers,
    reconcile,
  });

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.log.info({ signal }, "shutting down");
    await app.close();
    await store.close();
    process.exit(0);
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));

  const address = await app.listen({ port: config.port, host: config.host });
  // Printed whatever the log level: scripts and tests wait for this line.
  process.stdout.write(`Hook Relay endpoint listening at ${address} (store: ${store.kind})\n`);
}

main().catch((error: unknown) => {
  const message = error instanceof ConfigError ? error.message : String((error as Error)?.stack ?? error);
  process.stderr.write(`hookrelay: ${message}\n`);
  process.exit(1);
});
