/**
 * The stand-in's command line (`npm run demo -- …`), parsed strictly like the endpoint's
 * (src/endpoint/config.ts): an unknown flag or a malformed value is an error, never ignored.
 */
import { parseArgs } from "node:util";

export interface DevhostFlags {
  port: number;
  stateFile?: string;
  seed: boolean;
  /** Extra subscriptions the seed adds (rendering benchmarks). */
  subscriptions: number;
  timeScale: number;
  endpointPort: number;
  /** Writes the URLs and tokens as JSON once listening; for tests and benchmarks. */
  readyFile?: string;
  allowHttp: boolean;
  /** Refuse private, loopback and link-local endpoint addresses, as Azure DevOps Services does. */
  blockLocalDelivery: boolean;
  /** Show transient retries as queuedForRetry (7.2 contract); Server 2022 has no such status. */
  queuedForRetry: boolean;
  /** Who the host page signs in as by default. */
  user?: string;
  trustCertificate?: string;
}

export class FlagError extends Error {
  override name = "FlagError";
}

interface FlagOption {
  type: "string" | "boolean";
  help: string;
  env?: string;
}

const OPTIONS = {
  port: { type: "string", env: "DEVHOST_PORT", help: "listening port on 127.0.0.1 (default 3000; 0 picks a free one)" },
  "state-file": { type: "string", env: "DEVHOST_STATE_FILE", help: "keep the stand-in's state in this JSON file between runs" },
  seed: { type: "boolean", help: "seed the demo project when the state is empty (the default)" },
  "no-seed": { type: "boolean", help: "start with an empty organization" },
  subscriptions: { type: "string", help: "extra enabled subscriptions to seed" },
  "time-scale": { type: "string", env: "DEVHOST_TIME_SCALE", help: "multiply every retry delay and probation window (e.g. 0.01)" },
  "endpoint-port": { type: "string", help: "the companion endpoint's port (default 0 = any free port)" },
  "ready-file": { type: "string", help: "write the URLs and tokens as JSON once listening" },
  "allow-http": { type: "boolean", help: "also accept and deliver to http://127.0.0.1 / localhost" },
  "trust-certificate": { type: "string", help: "a PEM certificate deliveries trust (your own endpoint's self-signed one)" },
  "block-local-delivery": { type: "boolean", help: "refuse private, loopback and link-local endpoint addresses, as Azure DevOps Services does" },
  "queued-for-retry": { type: "boolean", help: "show notifications awaiting a retry as queuedForRetry (7.2 contract; not Server 2022)" },
  user: { type: "string", env: "DEVHOST_USER", help: "sign the page in as this identity (id, e-mail or name), e.g. fabrikamfiber2@hotmail.com, who lacks diagnostics rights" },
} as const satisfies Record<string, FlagOption>;

type FlagName = keyof typeof OPTIONS;

export function usage(): string {
  const lines = Object.entries(OPTIONS).map(([flag, option]: [string, FlagOption]) => {
    const env = option.env ? ` (or ${option.env})` : "";
    return `  --${flag.padEnd(18)} ${option.help}${env}`;
  });
  return `Usage: npm run demo -- [options]\n${lines.join("\n")}`;
}

export function parseFlags(argv: string[], env: NodeJS.ProcessEnv): DevhostFlags {
  const options = Object.fromEntries(Object.entries(OPTIONS).map(([flag, { type }]) => [flag, { type }]));
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({ args: argv, options, allowPositionals: false, strict: true }).values;
  } catch (error) {
    throw new FlagError(`${(error as Error).message}\n${usage()}`);
  }
  const text = (flag: FlagName): string | undefined => {
    const option: FlagOption = OPTIONS[flag];
    const value = values[flag] ?? (option.env ? env[option.env] : undefined);
    return typeof value === "string" && value.trim() !== "" ? value.trim() : undefined;
  };
  const number = (flag: FlagName, fallback: number, valid: (n: number) => boolean, expected: string): number => {
    const raw = text(flag);
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!valid(n)) throw new FlagError(`--${flag} must be ${expected}, got "${raw}".`);
    return n;
  };
  if (values.seed && values["no-seed"]) throw new FlagError("--seed and --no-seed contradict each other.");
  const port = (n: number) => Number.isSafeInteger(n) && n >= 0 && n <= 65535;
  return {
    port: number("port", 3000, port, "a port number (0-65535)"),
    stateFile: text("state-file"),
    seed: !values["no-seed"],
    subscriptions: number("subscriptions", 0, (n) => Number.isSafeInteger(n) && n >= 0, "a whole number >= 0"),
    timeScale: number("time-scale", 1, (n) => Number.isFinite(n) && n > 0, "a positive number"),
    endpointPort: number("endpoint-port", 0, port, "a port number (0-65535)"),
    readyFile: text("ready-file"),
    allowHttp: values["allow-http"] === true,
    blockLocalDelivery: values["block-local-delivery"] === true,
    queuedForRetry: values["queued-for-retry"] === true,
    user: text("user"),
    trustCertificate: text("trust-certificate"),
  };
}
