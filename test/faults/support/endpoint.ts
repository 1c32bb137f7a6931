/** The compiled endpoint (build/src/endpoint/main.js) as a child process the fault tests can kill. */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";

export const ENDPOINT_MAIN = join(__dirname, "..", "..", "..", "build", "src", "endpoint", "main.js");
export const INGEST_TOKEN = "faults-ingest-token-0123456789";
export const READ_TOKEN = "faults-read-token-0123456789ab";

export interface RunningEndpoint {
  url: string;
  child: ChildProcess;
  /** Everything the process printed so far. */
  output(): string;
  alive(): boolean;
  /** Resident set size in KiB, from /proc. */
  rssKb(): number;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export function assertBuilt(): void {
  if (!existsSync(ENDPOINT_MAIN)) throw new Error(`${ENDPOINT_MAIN} is missing: run npm run build:node first.`);
}

export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface StartOptions {
  db: string;
  dataDir: string;
  env?: Record<string, string>;
  /** Reuse a port so a restarted endpoint keeps its address, as a real deployment would. */
  port?: number;
  /** Wraps the command, e.g. ["sh", "-c", "ulimit -f 64; exec \"$0\" \"$@\""]. */
  wrapper?: string[];
  /** Command-line flags, e.g. ["--sqlite-synchronous", "NORMAL"]. */
  args?: string[];
  /** Resolve once the endpoint listens, whether or not /readyz answers 200 (a store that is not ready yet). */
  untilListening?: boolean;
}

/** Starts the endpoint and resolves once /readyz answers 200. */
export async function startEndpoint(options: StartOptions): Promise<RunningEndpoint> {
  assertBuilt();
  const port = options.port ?? (await freePort());
  const command = [...(options.wrapper ?? []), process.execPath, ENDPOINT_MAIN, ...(options.args ?? [])];
  const child = spawn(command[0], command.slice(1), {
    cwd: options.dataDir,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: "127.0.0.1",
      HOOKRELAY_DB: options.db,
      HOOKRELAY_DATA_DIR: options.dataDir,
      HOOKRELAY_TOKENS: INGEST_TOKEN,
      HOOKRELAY_READ_TOKENS: READ_TOKEN,
      HOOKRELAY_LOG_LEVEL: "warn",
      ...options.env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-50_000);
  };
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  const alive = () => child.exitCode === null && child.signalCode === null;
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (!alive()) throw new Error(`endpoint exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${output}`);
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`endpoint not ready within 20 s:\n${output}`);
    }
    const status = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(1000) }).then((r) => r.status, () => 0);
    if (status === 200 || (options.untilListening && status !== 0)) break;
    await sleep(50);
  }
  return {
    url,
    child,
    output: () => output,
    alive,
    rssKb: () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, "utf8"))?.[1] ?? NaN),
    async kill(signal = "SIGKILL") {
      if (!alive()) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill(signal);
      await exited;
    },
  };
}
