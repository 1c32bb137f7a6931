/**
 * The only body parser: JSON (application/json, application/*+json, any charset parameter),
 * kept as the exact bytes received (takeRawBody) and parsed once.
 * Refused with 400, because the stored raw body must mean what we indexed and Azure DevOps never
 * sends any of them: nesting deeper than MAX_JSON_DEPTH, a key repeated in one object (JSON.parse
 * keeps the last one silently), "__proto__" keys and "constructor.prototype" (safer than storing
 * something a consumer might merge).
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import { RequestError } from "./errors";

/** Per request: the body's bytes exactly as received, null until a JSON body was read. */
const RAW_BODY = "rawBody";

/**
 * The exact bytes of the request's JSON body, if it had one, which the request then lets go of:
 * the bytes are kept rather than the decoded text, and once only.
 */
export function takeRawBody(request: FastifyRequest): Buffer | undefined {
  const body = request.getDecorator<Buffer | null>(RAW_BODY) ?? undefined;
  request.setDecorator(RAW_BODY, null);
  return body;
}

/**
 * Azure DevOps payloads nest 3–5 levels (resource.commits[].author.date); 64 leaves room for any
 * future event while keeping recursive consumers of the stored body (renderers, exporters) far
 * from stack limits.
 */
export const MAX_JSON_DEPTH = 64;

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

export function registerJsonBody(app: FastifyInstance): void {
  app.decorateRequest(RAW_BODY, null);
  app.removeAllContentTypeParsers();
  const parse = (request: FastifyRequest, body: Buffer, done: (error: Error | null, value?: unknown) => void) => {
    let value: unknown;
    try {
      value = parseJsonBody(body);
    } catch (error) {
      return done(error as RequestError);
    }
    request.setDecorator(RAW_BODY, body);
    done(null, value);
  };
  app.addContentTypeParser("application/json", { parseAs: "buffer" }, parse);
  // Fastify matches a RegExp against the whole header, parameters included.
  app.addContentTypeParser(/^application\/[\w.-]+\+json\s*(?:;|$)/i, { parseAs: "buffer" }, parse);
}

/** The body's JSON value; a RequestError (400) for text that is not UTF-8, not JSON, or of a refused shape. */
export function parseJsonBody(body: Buffer): unknown {
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    throw new RequestError(400, "invalid_encoding", "The body is not valid UTF-8.");
  }
  const problem = findShapeProblem(text);
  if (problem) throw problem;
  // Plain JSON.parse is safe here: the scan above already refused the keys that could pollute a prototype.
  try {
    return JSON.parse(text);
  } catch (error) {
    throw text.trim() === "" ? emptyBody() : new RequestError(400, "invalid_json", `The body is not valid JSON: ${(error as Error).message}`);
  }
}

const emptyBody = () => new RequestError(400, "invalid_json", "The body is empty; expected a JSON object.");

// What each ASCII character means to the scan; 0 for everything it skips (whitespace, digits, letters).
const OTHER = 0;
const QUOTE = 1;
const OPEN_OBJECT = 2;
const OPEN_ARRAY = 3;
const CLOSE = 4;
const COMMA = 5;
const TOKENS = new Uint8Array(128);
TOKENS[0x22] = QUOTE;
TOKENS[0x7b] = OPEN_OBJECT;
TOKENS[0x5b] = OPEN_ARRAY;
TOKENS[0x7d] = CLOSE;
TOKENS[0x5d] = CLOSE;
TOKENS[0x2c] = COMMA;
const BACKSLASH = 0x5c;
const MAX_KEY_IN_MESSAGE = 64;

/**
 * One O(n) pass over JSON text that finds nesting deeper than `maxDepth`, keys repeated in one
 * object, and the keys a later merge could turn into prototype pollution: "__proto__" anywhere,
 * "prototype" inside a "constructor" object. Keys are compared after decoding escapes, so
 * "\u0069d" repeats "id". It does not check syntax, JSON.parse does that next; on malformed text
 * it still ends without throwing.
 */
export function findShapeProblem(text: string, maxDepth = MAX_JSON_DEPTH): RequestError | undefined {
  // Per open container, indexed by depth: is it an object, and the keys it has had so far.
  const isObject = new Uint8Array(maxDepth + 1);
  const keys: (Set<string> | undefined)[] = [];
  // Per depth: the key the open object at that depth sits under, and the latest key read in it.
  const parentKey: (string | undefined)[] = [];
  const lastKey: (string | undefined)[] = [];
  let depth = 0;
  let expectingKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const token = c < 128 ? TOKENS[c] : OTHER;
    if (token === OTHER) continue;
    if (token === QUOTE) {
      const close = closingQuote(text, i + 1);
      if (expectingKey) {
        const key = stringAt(text, i, close);
        const seen = (keys[depth] ??= new Set());
        if (seen.has(key)) return duplicateKey(key);
        if (key === "__proto__" || (key === "prototype" && parentKey[depth] === "constructor")) return forbiddenKey();
        seen.add(key);
        lastKey[depth] = key;
        expectingKey = false;
      }
      i = close;
    } else if (token === COMMA) {
      expectingKey = isObject[depth] === 1;
    } else if (token === CLOSE) {
      if (depth > 0) depth--;
      expectingKey = false;
    } else {
      if (depth === maxDepth) return new RequestError(400, "too_deep", `The body nests deeper than ${maxDepth} levels.`);
      parentKey[depth + 1] = isObject[depth] === 1 ? lastKey[depth] : undefined;
      depth++;
      isObject[depth] = token === OPEN_OBJECT ? 1 : 0;
      keys[depth] = undefined;
      lastKey[depth] = undefined;
      expectingKey = token === OPEN_OBJECT;
    }
  }
  return undefined;
}

/** Index of the quote that ends the string whose text starts at `from`, or text.length if none does. */
function closingQuote(text: string, from: number): number {
  for (let quote = text.indexOf('"', from); quote !== -1; quote = text.indexOf('"', quote + 1)) {
    // The quote is escaped when an odd number of backslashes precede it.
    let backslash = quote - 1;
    while (backslash >= from && text.charCodeAt(backslash) === BACKSLASH) backslash--;
    if ((quote - 1 - backslash) % 2 === 0) return quote;
  }
  return text.length;
}

/** The decoded value of the string literal from `open` to `close` (both quotes). */
function stringAt(text: string, open: number, close: number): string {
  const raw = text.slice(open + 1, close);
  if (raw.indexOf("\\") === -1) return raw;
  try {
    return JSON.parse(text.slice(open, close + 1)) as string;
  } catch {
    return raw; // A malformed escape: JSON.parse refuses the whole body anyway.
  }
}

const forbiddenKey = () => new RequestError(400, "forbidden_key", 'The body contains a "__proto__" or "constructor.prototype" key.');

function duplicateKey(key: string): RequestError {
  const shown = key.length > MAX_KEY_IN_MESSAGE ? `${key.slice(0, MAX_KEY_IN_MESSAGE)}…` : key;
  return new RequestError(400, "duplicate_key", `The body repeats the key ${JSON.stringify(shown)} within one object.`);
}
