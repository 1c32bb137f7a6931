/**
 * The stand-in's HTTP server, one origin for everything: the host page (/), the built hub where the
 * manifest puts it (/dist/hub/hub.html), /images, the REST API (/<org>/…/_apis/…) and /_devhost/*.
 */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import fastifyStatic from "@fastify/static";
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import { gitEventTypes } from "../../contract/events";
import { hubContribution, HUB_CONTRIBUTION_ID, manifest } from "../../contract/manifest";
import { createAzureDevOpsApi, type AzureDevOpsApi } from "../api";
import { DeliveryEngine } from "../delivery/engine";
import { publish, PublishError, type PublishRequest } from "../core/publish";
import { seed } from "../core/seed";
import type { HostResolver } from "../core/addresses";
import { DevhostState, emptyData, type Identity } from "../core/state";
import { IdentityTokens } from "./identityTokens";

export interface DevhostOptions {
  state?: DevhostState;
  /** Seed a realistic project when the state is empty. Default true. */
  seed?: boolean;
  /** Extra subscriptions the seed adds (rendering benchmarks). */
  seedSubscriptions?: number;
  timeScale?: number;
  /** Accept and deliver to http://127.0.0.1 / localhost endpoints. Default true here; `npm run demo` turns it off. */
  allowHttp?: boolean;
  /**
   * Accept and deliver to private, loopback and link-local addresses. Default true here, since the
   * demo and the tests deliver on loopback; Azure DevOps Services refuses them (`--block-local-delivery`).
   */
  allowLocalDelivery?: boolean;
  /** How endpoint hosts are resolved for that rule; default DNS. */
  resolveHost?: HostResolver;
  /** Show transient retries as `queuedForRetry` (7.2 contract, 2026); off as on Server 2022. */
  queuedForRetryStatus?: boolean;
  /** Who the host page signs in as by default (id, unique name or display name); default the seed's Jamal. */
  user?: string;
  now?: () => Date;
  /** PEM certificates deliveries trust besides Node's default CAs (the local companion's self-signed one). */
  trustedCertificates?: string[];
  /** Runs after every seeding, at start and on /_devhost/reset: e.g. to add the demo subscription again. */
  onSeed?: (state: DevhostState) => void;
  /** Log unknown routes and delivery problems. Default console.warn. */
  log?: (message: string) => void;
}

export interface Devhost {
  app: FastifyInstance;
  state: DevhostState;
  engine: DeliveryEngine;
  api: AzureDevOpsApi;
  /** The default user's bearer token. */
  accessToken: string;
  /** Any identity's bearer token, to call the API as that user. */
  tokenFor(identityId: string): string;
}

const BODY_LIMIT = 2 * 1024 * 1024;

/** The folder holding package.json, from src/ and from build/src/ alike. */
function projectRoot(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, "package.json"))) return dir;
    if (dirname(dir) === dir) throw new Error(`No package.json above ${start}`);
  }
}

/** The hub's path under the extension's base URI: "dist/hub/hub.html" → "/dist/hub/hub.html". */
export const HUB_PATH = `/${hubContribution.properties.uri.replace(/^\//, "")}`;

function jsonBody(request: FastifyRequest): Record<string, unknown> {
  const raw = request.body;
  if (typeof raw !== "string" || raw.trim() === "") return {};
  const parsed: unknown = JSON.parse(raw);
  return parsed !== null && typeof parsed === "object" ? (parsed as Record<string, unknown>) : {};
}

export function buildDevhost(options: DevhostOptions = {}): Devhost {
  const log = options.log ?? ((message: string) => console.warn(message));
  const state = options.state ?? new DevhostState();
  const allowHttp = options.allowHttp ?? true;
  const allowLocalDelivery = options.allowLocalDelivery ?? true;
  const tokens = new IdentityTokens();
  const seedSubscriptions = options.seedSubscriptions;
  const seedProject = (subscriptions: number | undefined) => {
    seed(state, { subscriptions });
    options.onSeed?.(state);
  };
  if ((options.seed ?? true) && state.data.projects.length === 0) seedProject(seedSubscriptions);
  /** The identity `selector` names (id, unique name or display name, any case); the default user when empty. */
  const identityNamed = (selector: string | undefined): Identity | undefined => {
    const key = (selector ?? options.user ?? "").toLowerCase();
    if (key === "") return state.currentUser();
    return state.data.identities.find((i) => [i.id, i.uniqueName, i.displayName].some((name) => name.toLowerCase() === key));
  };
  if (options.user && !identityNamed(options.user)) throw new Error(`No identity '${options.user}' in the devhost state.`);
  const defaultUser = identityNamed(undefined)!;
  const accessToken = tokens.tokenFor(defaultUser.id);
  const { resolveHost, now } = options;
  const engine = new DeliveryEngine(state, {
    timeScale: options.timeScale,
    allowHttp,
    allowLocalDelivery,
    resolveHost,
    queuedForRetryStatus: options.queuedForRetryStatus,
    trustedCertificates: options.trustedCertificates,
    now,
    log,
  });
  engine.startRetention();
  const api = createAzureDevOpsApi(state, {
    authenticate: (token) => tokens.identityOf(token),
    allowHttp,
    allowLocalDelivery,
    resolveHost,
    delivery: engine,
    now,
    log,
  });
  const root = projectRoot(__dirname);
  const app = Fastify({ logger: false, bodyLimit: BODY_LIMIT });

  // The API gets the raw text; the real clients even send "Content-Type: undefined" on GETs.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", { parseAs: "string" }, (_request, body, done) => done(null, body));

  app.register(fastifyStatic, { root: join(root, "src/devhost/host/public"), prefix: "/_devhost/static/" });
  app.register(fastifyStatic, { root: join(root, "dist/hub"), prefix: "/dist/hub/", decorateReply: false });
  app.register(fastifyStatic, { root: join(root, "images"), prefix: "/images/", decorateReply: false });

  app.get("/", (_request, reply) => reply.sendFile("host.html"));

  // ?user= signs the page in as another identity, e.g. one without diagnostics rights.
  app.get("/_devhost/context", (request, reply) => {
    const origin = `http://${request.headers.host}`;
    const project = state.data.projects[0];
    const selector = (request.query as Record<string, string | undefined>).user;
    const user = identityNamed(selector);
    if (!user) return reply.code(404).send({ message: `No identity '${selector}'; GET /_devhost/identities lists them.` });
    return {
      organization: state.organization,
      collectionUrl: `${origin}/${state.organization}/`,
      baseUri: `${origin}/`,
      hubUrl: `${origin}${HUB_PATH}`,
      accessToken: tokens.tokenFor(user.id),
      allowHttp,
      allowLocalDelivery,
      timeScale: engine.getTimeScale(),
      extension: { publisherId: manifest.publisher, extensionId: manifest.id, version: manifest.version, name: manifest.name },
      contribution: { id: HUB_CONTRIBUTION_ID, properties: hubContribution.properties },
      project: project && { id: project.id, name: project.name },
      user,
      host: { id: state.data.collectionId, name: state.organization },
      eventTypes: gitEventTypes,
      repositories: state.data.repositories.filter((r) => !project || r.projectId === project.id).map((r) => ({ id: r.id, name: r.name })),
    };
  });

  app.post("/_devhost/publish", async (request, reply) => {
    const body = jsonBody(request) as unknown as PublishRequest;
    try {
      const result = publish(state, engine, body);
      return { eventId: result.event.id, notifications: result.notifications, dropped: result.dropped };
    } catch (error) {
      if (error instanceof PublishError) return reply.code(400).send({ message: error.message });
      throw error;
    }
  });

  app.post("/_devhost/reset", async (request) => {
    const body = jsonBody(request);
    state.replace(emptyData(state.organization));
    if (body.seed !== false) seedProject(Number(body.subscriptions) || seedSubscriptions);
    return { subscriptions: state.data.subscriptions.length };
  });

  app.get("/_devhost/dropped", async () => state.data.droppedOnProbation);

  /** The identities to sign in as, with the rights that decide what they may see. */
  app.get("/_devhost/identities", async () =>
    state.data.identities.map((identity) => ({
      ...identity,
      collectionAdmin: state.data.collectionAdmins.includes(identity.id),
      projectAdminOf: state.data.projects.filter((p) => p.administrators.includes(identity.id)).map((p) => p.name),
    })),
  );

  app.get("/_devhost/time-scale", async () => ({ timeScale: engine.getTimeScale() }));
  app.put("/_devhost/time-scale", async (request, reply) => {
    const timeScale = Number(jsonBody(request).timeScale);
    if (!(timeScale > 0)) return reply.code(400).send({ message: "timeScale must be a positive number" });
    engine.setTimeScale(timeScale);
    return { timeScale };
  });

  app.get("/_devhost/idle", async () => {
    await engine.idle();
    return { idle: true };
  });

  const forward = async (request: FastifyRequest, reply: FastifyReply) => {
    const response = await api.handle({ method: request.method, url: request.url, headers: request.headers, body: request.body });
    return reply.code(response.status).headers(response.headers).send(response.body);
  };
  app.all("/*", async (request, reply) => {
    if (/\/_apis(\/|$)/i.test(request.url.split("?")[0])) return forward(request, reply);
    log(`[devhost] 404 ${request.method} ${request.url}`);
    return reply.code(404).type("text/plain").send("Not found");
  });

  app.addHook("onClose", async () => {
    engine.close();
    state.flush();
  });

  return { app, state, engine, api, accessToken, tokenFor: (identityId) => tokens.tokenFor(identityId) };
}
