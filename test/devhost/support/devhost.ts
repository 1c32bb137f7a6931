/** A devhost on a random loopback port and real api clients pointed at it, as any of its identities. */
import "./selfGlobal";
import { ServiceHooksRestClient } from "azure-devops-extension-api/ServiceHooks";
import { GitRestClient } from "azure-devops-extension-api/Git";
import { buildDevhost, type Devhost, type DevhostOptions } from "../../../src/devhost/host/server";
import { DevhostState } from "../../../src/devhost/core/state";

/** What azure-devops-extension-api's clients put in Accept. */
export const CLIENT_ACCEPT = "application/json;api-version=7.2-preview.1;excludeUrls=true;enumsAsNumbers=true;msDateFormat=true;noArrayWrap=true";

export interface RunningDevhost extends Devhost {
  origin: string;
  rootPath: string;
  hooks: ServiceHooksRestClient;
  git: GitRestClient;
  /** The hooks client signed in as another identity. */
  hooksAs(identityId: string): ServiceHooksRestClient;
  /** The raw answer to a call made like the clients make it (default user unless `identityId`). */
  raw(method: string, path: string, body?: unknown, identityId?: string): Promise<{ status: number; text: string; json: any }>;
  logged: string[];
  close(): Promise<void>;
}

export async function startDevhost(options: DevhostOptions = {}): Promise<RunningDevhost> {
  const logged: string[] = [];
  const devhost = buildDevhost({ state: new DevhostState(), timeScale: 0.001, log: (m) => logged.push(m), ...options });
  await devhost.app.listen({ port: 0, host: "127.0.0.1" });
  const address = devhost.app.server.address() as { port: number };
  const origin = `http://127.0.0.1:${address.port}`;
  const rootPath = `${origin}/${devhost.state.organization}/`;
  const provider = (token: string) => ({ getAuthorizationHeader: async () => `Bearer ${token}` });
  return {
    ...devhost,
    origin,
    rootPath,
    logged,
    hooks: new ServiceHooksRestClient({ rootPath, authTokenProvider: provider(devhost.accessToken) }),
    git: new GitRestClient({ rootPath, authTokenProvider: provider(devhost.accessToken) }),
    hooksAs: (identityId) => new ServiceHooksRestClient({ rootPath, authTokenProvider: provider(devhost.tokenFor(identityId)) }),
    async raw(method, path, body, identityId) {
      const token = identityId ? devhost.tokenFor(identityId) : devhost.accessToken;
      const response = await fetch(`${rootPath}${path}`, {
        method,
        headers: { Authorization: `Bearer ${token}`, Accept: CLIENT_ACCEPT, "Content-Type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      return { status: response.status, text, json: text ? JSON.parse(text) : undefined };
    },
    close: () => devhost.app.close(),
  };
}
