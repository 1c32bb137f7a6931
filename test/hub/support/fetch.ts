/**
 * A minimal global fetch for jsdom: whatwg-fetch's Headers/Request/Response (what
 * azure-devops-extension-api's Fetch.js polyfills with) over a handler the test chooses.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const polyfill = require("whatwg-fetch") as { Headers: typeof Headers; Request: typeof Request; Response: typeof Response };

export interface FetchCall {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

export type FetchHandler = (call: FetchCall) => Promise<Response>;

let handler: FetchHandler = async (call) => {
  throw new TypeError(`No fetch handler installed for ${call.method} ${call.url}`);
};

export function setFetchHandler(next: FetchHandler): void {
  handler = next;
}

function headersOf(init: HeadersInit | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  new polyfill.Headers(init).forEach((value, name) => (result[name] = value));
  return result;
}

async function fakeFetch(input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> {
  const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
  const body = typeof init.body === "string" ? init.body : undefined;
  return handler({ method: (init.method ?? "GET").toUpperCase(), url, headers: headersOf(init.headers), body });
}

export function installFetch(): void {
  const target = globalThis as Record<string, unknown>;
  target.fetch = fakeFetch;
  target.Headers = polyfill.Headers;
  target.Request = polyfill.Request;
  target.Response = polyfill.Response;
  // The devhost delivery engine (the faked Azure DevOps) needs two Node globals jsdom lacks. Test receivers
  // answer at once, so its request timeout never has to fire.
  target.structuredClone ??= (value: unknown) => JSON.parse(JSON.stringify(value));
  const signals = AbortSignal as unknown as Record<string, unknown>;
  signals.timeout ??= () => new AbortController().signal;
}
