/**
 * The bearer token for the REST clients, asked of the host at most once a minute. Without reuse each
 * call waits for its own round trip to the host frame; with it, the page's first list request leaves
 * at once, before the page's own code is loaded and run (see index.tsx).
 */
import * as SDK from "azure-devops-extension-sdk";
import type { IAuthorizationTokenProvider } from "azure-devops-extension-api/Common";

/** Far inside a host token's lifetime; a 401 asks for a new one whatever its age. */
export const TOKEN_REUSE_MS = 60_000;

export function hostTokenProvider(getToken: () => Promise<string> = SDK.getAccessToken, now: () => number = Date.now): IAuthorizationTokenProvider {
  let cached: { header: Promise<string>; askedAt: number } | undefined;
  return {
    getAuthorizationHeader(forceRefresh?: boolean): Promise<string> {
      if (forceRefresh || !cached || now() - cached.askedAt > TOKEN_REUSE_MS) {
        const header = getToken().then((token) => (token ? `Bearer ${token}` : ""));
        cached = { header, askedAt: now() };
        // A failed request is not kept: the next call asks again.
        header.catch(() => (cached = undefined));
      }
      return cached.header;
    },
  };
}
