/**
 * A real PostgreSQL for tests. With HOOKRELAY_TEST_PG (a postgres:// url to a server where we
 * may CREATE DATABASE) that server is used; otherwise a throwaway cluster is initialised in a
 * temporary folder from /usr/lib/postgresql/<version>/bin, listening on 127.0.0.1 only.
 * Each call gets its own fresh database, so test files stay independent.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "pg";

export interface TestPostgres {
  /** Connection url of this test's own database. */
  url: string;
  /** Creates one more empty database on the same server and returns its url. */
  newDatabase(): Promise<string>;
  /** Stops the server (a throwaway cluster only): later queries fail until start(). */
  stop(): Promise<void>;
  start(): Promise<void>;
  restart(): Promise<void>;
  /** Stops and deletes a throwaway cluster; drops the database on a given server. */
  destroy(): Promise<void>;
}

let databaseCounter = 0;

function uniqueDatabaseName(): string {
  databaseCounter += 1;
  return `hookrelay_test_${process.pid}_${Date.now().toString(36)}_${databaseCounter}`;
}

export async function startTestPostgres(): Promise<TestPostgres> {
  const given = process.env.HOOKRELAY_TEST_PG;
  if (given) return useGivenServer(given);
  return startThrowawayCluster();
}

async function createDatabase(adminUrl: string, name: string): Promise<string> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function useGivenServer(adminUrl: string): Promise<TestPostgres> {
  const created: string[] = [];
  const create = () => {
    const name = uniqueDatabaseName();
    created.push(name);
    return createDatabase(adminUrl, name);
  };
  const url = await create();
  const unsupported = async () => {
    throw new Error("stop/start need a throwaway cluster: unset HOOKRELAY_TEST_PG.");
  };
  return {
    url,
    newDatabase: create,
    stop: unsupported,
    start: unsupported,
    restart: unsupported,
    async destroy() {
      const client = new Client({ connectionString: adminUrl });
      await client.connect();
      try {
        for (const db of created) await client.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}

function postgresBin(): string {
  const root = "/usr/lib/postgresql";
  const versions = existsSync(root) ? readdirSync(root).filter((v) => existsSync(join(root, v, "bin", "initdb"))) : [];
  if (versions.length === 0) {
    throw new Error("No PostgreSQL server binaries in /usr/lib/postgresql/*/bin: run `apt-get install postgresql` (or set HOOKRELAY_TEST_PG).");
  }
  versions.sort((a, b) => Number(b) - Number(a));
  return join(root, versions[0], "bin");
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** initdb and postgres refuse to run as root; run them as the postgres user then. */
function asServerUser(command: string, args: string[]): string[] {
  return process.getuid?.() === 0 ? ["runuser", "-u", "postgres", "--", command, ...args] : [command, ...args];
}

function run(command: string, args: string[]): void {
  const [file, ...rest] = asServerUser(command, args);
  const result = spawnSync(file, rest, { encoding: "utf8" });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(" ")} failed (${result.status}):\n${result.stdout}\n${result.stderr}`);
  }
}

async function startThrowawayCluster(): Promise<TestPostgres> {
  const bin = postgresBin();
  const root = mkdtempSync(join(tmpdir(), "hookrelay-pg-"));
  if (process.getuid?.() === 0) execFileSync("chown", ["-R", "postgres:postgres", root]);
  const dataDir = join(root, "data");
  run(join(bin, "initdb"), ["-D", dataDir, "-U", "postgres", "--auth=trust", "--no-sync", "-E", "UTF8", "--locale=C"]);
  const port = await freePort();
  const options = `-c listen_addresses=127.0.0.1 -p ${port} -c unix_socket_directories=${root} -c fsync=on -c max_connections=60`;
  const pgCtl = (action: string, extra: string[] = []) =>
    run(join(bin, "pg_ctl"), [action, "-D", dataDir, "-w", "-t", "30", ...extra]);
  const start = async () => pgCtl("start", ["-o", options, "-l", join(root, "server.log")]);
  const stop = async () => pgCtl("stop", ["-m", "fast"]);
  await start();
  const adminUrl = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const url = await createDatabase(adminUrl, uniqueDatabaseName());
  return {
    url,
    newDatabase: () => createDatabase(adminUrl, uniqueDatabaseName()),
    start,
    stop,
    async restart() {
      await stop();
      await start();
    },
    async destroy() {
      try {
        await stop();
      } catch {
        // already stopped
      }
      rmSync(root, { recursive: true, force: true });
    },
  };
}

