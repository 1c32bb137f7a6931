/** Bearer-token checks: constant-time, over SHA-256 digests so token lengths do not leak either. */
import { createHash, timingSafeEqual } from "node:crypto";
import type { onRequestHookHandler } from "fastify";
import { sendError } from "./errors";

function digest(value: string): Buffer {
  return createHash("sha256").update(value, "utf8").digest();
}

export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header ?? "");
  return match?.[1];
}

export type TokenCheck = (presented: string | undefined) => boolean;

export function tokenChecker(tokens: readonly string[]): TokenCheck {
  const accepted = tokens.map(digest);
  return (presented) => {
    if (presented === undefined) return false;
    const candidate = digest(presented);
    // Compare against every token, without stopping early, so timing says nothing about which matched.
    let matched = false;
    for (const token of accepted) matched = timingSafeEqual(candidate, token) || matched;
    return matched;
  };
}

/**
 * An onRequest hook: it runs before the body is read, so unauthenticated bodies are never read, let
 * alone parsed. A callback hook, not an async one: it runs on every delivery, and needs no promise.
 */
export function requireBearer(check: TokenCheck): onRequestHookHandler {
  return function authenticate(request, reply, done) {
    if (check(bearerToken(request.headers.authorization))) return done();
    reply.header("www-authenticate", 'Bearer realm="hookrelay"');
    sendError(reply, 401, "unauthorized", "A valid 'Authorization: Bearer <token>' header is required.");
  };
}
