/**
 * `npm run demo`: the Azure DevOps stand-in and a companion endpoint on loopback, a seeded project,
 * and a subscription that delivers to that endpoint. Prints the URL to open.
 *
 * Flags: see flags.ts; an unknown flag is refused with the list of known ones.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { CONSUMER_ID, consumer } from "../../contract/manifest";
import { PUBLISHER_ID } from "../../contract/events";
import { companionIdentity, startCompanion, type Companion } from "./companion";
import { FlagError, parseFlags } from "./flags";
import { buildDevhost } from "./server";
import { DevhostState, newSubscriptionBookkeeping } from "../core/state";

const DEMO_SUBSCRIPTION_ID = "de000000-0000-4000-8000-000000000001";

/**
 * The subscription a newcomer sees working: every git.push of the project to the local endpoint.
 * A kept state file still has it from an earlier run: it is pointed at this run's endpoint.
 */
function addDemoSubscription(state: DevhostState, companion: Companion): void {
  const project = state.data.projects[0];
  const id = DEMO_SUBSCRIPTION_ID;
  const consumerInputs = { url: companion.hooksUrl, token: companion.ingestToken };
  const actionDescription = `Endpoint URL: ${companion.hooksUrl}`;
  if (!project) return;
  if (state.subscription(id)) {
    state.updateSubscription(id, { consumerInputs, actionDescription });
    return;
  }
  const now = new Date().toISOString();
  const user = state.currentUser();
  state.addSubscription({
    id,
    status: 0,
    publisherId: PUBLISHER_ID,
    eventType: "git.push",
    eventDescription: "Repository: [Any], Branch: [Any]",
    consumerId: CONSUMER_ID,
    consumerActionId: consumer.actions[0].id,
    actionDescription,
    publisherInputs: { projectId: project.id },
    consumerInputs,
    ...newSubscriptionBookkeeping(user.id, now),
  });
}

async function main(): Promise<void> {
  const flags = parseFlags(process.argv.slice(2), process.env);
  const state = new DevhostState({ file: flags.stateFile });
  const identity = companionIdentity();
  // Set once the endpoint runs, which needs the devhost's URL; seeding before that adds the demo subscription after.
  let companion: Companion | undefined;
  const devhost = buildDevhost({
    state,
    seed: flags.seed,
    seedSubscriptions: flags.subscriptions,
    timeScale: flags.timeScale,
    allowHttp: flags.allowHttp,
    allowLocalDelivery: !flags.blockLocalDelivery,
    queuedForRetryStatus: flags.queuedForRetry,
    user: flags.user,
    patUser: flags.patUser,
    personalAccessToken: flags.pat,
    rateLimit: { fraction: flags.rateLimit },
    trustedCertificates: [identity.tls.cert, ...(flags.trustCertificate ? [readFileSync(flags.trustCertificate, "utf8")] : [])],
    onSeed: (seeded) => companion && addDemoSubscription(seeded, companion),
  });
  await devhost.app.listen({ port: flags.port, host: "127.0.0.1" });
  const { port } = devhost.app.server.address() as { port: number };
  const url = `http://127.0.0.1:${port}/`;
  companion = await startCompanion(identity, {
    port: flags.endpointPort,
    reconcile: { organizationUrl: `${url}${state.organization}/`, token: devhost.personalAccessToken },
  });
  if (flags.seed) addDemoSubscription(state, companion);
  const demoSubscriptionId = state.subscription(DEMO_SUBSCRIPTION_ID) ? DEMO_SUBSCRIPTION_ID : undefined;

  process.stdout.write(
    [
      "",
      `Hook Relay on a local Azure DevOps stand-in: open ${url}`,
      "",
      `  companion endpoint  ${companion.hooksUrl}   (read API: ${companion.origin}/api/events)`,
      `  read token          ${companion.readToken}`,
      `  ingest token        ${companion.ingestToken}   (also starts a reconciliation: POST ${companion.origin}/api/reconciliation/run)`,
      `  reconciliation      every 30 s with this stand-in (GET ${companion.origin}/api/reconciliation, read token)`,
      `  organization        ${url}${state.organization}/   (REST API under _apis/, bearer token from the host page)`,
      `  access token (PAT)  ${devhost.personalAccessToken}   (Basic auth, as ${devhost.patIdentity.displayName}; --pat-user changes whose)`,
      `  state               ${flags.stateFile ?? "in memory"}; time scale ${flags.timeScale}`,
      "",
      "  The endpoint serves https with a self-signed certificate made for this run; the stand-in trusts it.",
      flags.allowHttp
        ? "  --allow-http: this stand-in also accepts and delivers to http://127.0.0.1 / localhost."
        : "  Like Azure DevOps, the stand-in delivers only to https:// URLs (--allow-http adds http://127.0.0.1 / localhost).",
      "  Azure DevOps itself only delivers to https:// addresses it can reach from the internet.",
      ...(flags.rateLimit > 0 ? [`  --rate-limit: ${flags.rateLimit * 100}% of API calls answer 429 with Retry-After (PUT /_devhost/rate-limit changes it).`] : []),
      flags.blockLocalDelivery
        ? "  --block-local-delivery: private, loopback and link-local addresses are refused, as Azure DevOps Services does (the demo subscription fails)."
        : "  Private and loopback addresses are allowed here so the demo works; Azure DevOps Services refuses them (--block-local-delivery).",
      `  signed in as        ${devhost.state.currentUser().displayName}; ${url}?user=fabrikamfiber2@hotmail.com signs in without diagnostics rights`,
      "",
    ].join("\n"),
  );
  if (flags.readyFile) {
    writeFileSync(
      flags.readyFile,
      JSON.stringify({
        url,
        organization: state.organization,
        accessToken: devhost.accessToken,
        personalAccessToken: devhost.personalAccessToken,
        patUser: devhost.patIdentity.uniqueName,
        demoSubscriptionId,
        companion: { ...companion, close: undefined },
      }),
    );
  }

  const shutdown = async () => {
    await devhost.app.close();
    await companion?.close();
    process.exit(0);
  };
  process.on("SIGTERM", () => void shutdown());
  process.on("SIGINT", () => void shutdown());
}

main().catch((error: unknown) => {
  if (error instanceof FlagError) {
    process.stderr.write(`devhost: ${error.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`devhost: ${String((error as Error)?.stack ?? error)}\n`);
  process.exit(1);
});
