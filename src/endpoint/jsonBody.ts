/**
 * The only body parser: JSON (application/json, application/*+json, any charset parameter),
 * kept as the exact text received on `request.rawBody` and parsed once.
 * Bodies with "__proto__" keys or "constructor.prototype" are refused with 400: Azure DevOps
 * never sends them, and refusing is safer than storing something a consumer might merge.
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import { RequestError } from "./errors";

declare module "fastify" {
  interface FastifyRequest {
    rawBody?: string;
  }
}

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

export function registerJsonBody(app: FastifyInstance): void {
  const secureParse = app.getDefaultJsonParser("error", "error");
  app.removeAllContentTypeParsers();
  const parse = (request: FastifyRequest, body: Buffer, done: (error: Error | null, value?: unknown) => void) => {
    let text: string;
    try {
      text = utf8.decode(body);
    } catch {
      return done(new RequestError(400, "invalid_encoding", "The body is not valid UTF-8."));
    }
    request.rawBody = text;
    secureParse(request, text, (error, value) => done(error ? explain(error, text) : null, value));
  };
  app.addContentTypeParser("application/json", { parseAs: "buffer" }, parse);
  app.addContentTypeParser(/^application\/[\w.-]+\+json$/i, { parseAs: "buffer" }, parse);
}

function explain(error: Error & { code?: string }, text: string): Error {
  if (error.code === "FST_ERR_CTP_EMPTY_JSON_BODY") return error;
  try {
    JSON.parse(text);
  } catch (syntax) {
    return new RequestError(400, "invalid_json", `The body is not valid JSON: ${(syntax as Error).message}`);
  }
  return new RequestError(400, "forbidden_key", 'The body contains a "__proto__" or "constructor.prototype" key.');
}
