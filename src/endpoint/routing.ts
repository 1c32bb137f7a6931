/**
 * Requests no route takes are refused in the first hook, before any body is read or parsed:
 * 405 with Allow when the path exists for other methods, 404 otherwise. (Fastify's own not-found
 * route would read and parse the whole body first.)
 */
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from "fastify";
import { sendError } from "./errors";

/** The methods each route path answers, matched against concrete paths. */
export class RouteTable {
  private readonly routes: { pattern: RegExp; methods: Set<string> }[] = [];

  add(url: string, methods: string | string[]): void {
    const pattern = new RegExp(`^${url.split("/").map(segmentPattern).join("/")}$`);
    let route = this.routes.find((r) => r.pattern.source === pattern.source);
    if (!route) this.routes.push((route = { pattern, methods: new Set() }));
    for (const method of [methods].flat()) route.methods.add(method);
  }

  /** The methods `path` answers, HEAD wherever GET is; empty when no route has that path. */
  allowed(path: string): string[] {
    const methods = new Set(this.routes.filter((r) => r.pattern.test(path)).flatMap((r) => [...r.methods]));
    if (methods.has("GET")) methods.add("HEAD");
    return [...methods].sort();
  }
}

/** ":name" matches one non-empty segment; anything else matches itself. */
function segmentPattern(segment: string): string {
  return segment.startsWith(":") ? "[^/]+" : segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Records every route registered after it and refuses what none of them takes. */
export function refuseUnrouted(app: FastifyInstance): void {
  const table = new RouteTable();
  app.addHook("onRoute", (route: RouteOptions) => table.add(route.url, route.method));
  const refuse = async (request: FastifyRequest, reply: FastifyReply) => {
    const path = request.url.split("?")[0];
    const allowed = table.allowed(path);
    if (allowed.length === 0) return sendError(reply, 404, "not_found", `No route for ${request.method} ${path}.`);
    reply.header("allow", allowed.join(", "));
    return sendError(reply, 405, "method_not_allowed", `${path} answers ${allowed.join(", ")}, not ${request.method}.`);
  };
  app.addHook("onRequest", async (request, reply) => {
    if (request.is404) return refuse(request, reply);
  });
  // The hook above answers first; this only replaces Fastify's default answer, should anything reach it.
  app.setNotFoundHandler(refuse);
}
