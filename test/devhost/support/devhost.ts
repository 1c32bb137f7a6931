/** A devhost on a random loopback port and real api clients pointed at it. */
import "./selfGlobal";
import { ServiceHooksRestClient } from "azure-devops-extension-api/ServiceHooks";
import { GitRestClient } from "azure-devops-extension-api/Git";
import { buildDevhost, type Devhost, type DevhostOptions } from "../../../src/devhost/host/server";
import { DevhostState } from "../../../src/devhost/core/state";

export interface RunningDevhost extends Devhost {
  origin: string;
  rootPath: string;
  hooks: ServiceHooksRestClient;
  git: GitRestClient;
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
  const authTokenProvider = { getAuthorizationHeader: async () => `Bearer ${devhost.accessToken}` };
  return {
    ...devhost,
    origin,
    rootPath,
    logged,
    hooks: new ServiceHooksRestClient({ rootPath, authTokenProvider }),
    git: new GitRestClient({ rootPath, authTokenProvider }),
    close: () => devhost.app.close(),
  };
}
