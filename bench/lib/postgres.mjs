/**
 * A throwaway PostgreSQL cluster for the benchmarks, from the tests' own helper
 * (test/support/postgres.ts), transpiled on the fly so the benchmarks stay plain `node`.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import pg from "pg";
import ts from "typescript";
import { projectRoot } from "./paths.mjs";

function loadHelper() {
  const source = readFileSync(join(projectRoot, "test", "support", "postgres.ts"), "utf8");
  const { outputText } = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
  });
  // Inside the project, so that its require("pg") finds node_modules.
  const outDir = join(projectRoot, "bench", "out");
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, "postgres.cjs");
  writeFileSync(file, outputText);
  return createRequire(import.meta.url)(file);
}

/** `url` names a fresh empty database after each `reset()`; `stop()` deletes the cluster. */
export async function startPostgres() {
  const cluster = await loadHelper().startTestPostgres();
  let url = cluster.url;
  return {
    durability: await durabilitySettings(url),
    get url() {
      return url;
    },
    async reset() {
      url = await cluster.newDatabase();
    },
    stop: () => cluster.destroy(),
  };
}

/** The settings that decide when a COMMIT is durable, as the server reports them. */
async function durabilitySettings(url) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const names = ["fsync", "synchronous_commit", "wal_sync_method", "full_page_writes"];
    const values = [];
    for (const name of names) values.push(`${name}=${(await client.query(`SHOW ${name}`)).rows[0][name]}`);
    return values.join(", ");
  } finally {
    await client.end();
  }
}
