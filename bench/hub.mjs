/**
 * Hub bundle budget: the size of dist/hub's scripts (hub.js, the entry, and page.js, the page it loads; raw and gzip), and the hub's load-to-interactive
 * time in the local stand-in with 1,000 subscriptions: from navigation to the first subscription
 * row being visible inside the hub's iframe, in headless Chromium. Median of RUNS fresh pages, next
 * to the same measure on the stand-in's own seed alone (a handful of subscriptions).
 * Needs `npm run build` first (dist/hub and build/src/devhost).
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { chromium } from "@playwright/test";
import { projectRoot } from "./lib/paths.mjs";
import { describeMachine, machine, table, writeSection } from "./lib/report.mjs";

const SUBSCRIPTIONS = Number(process.env.BENCH_SUBSCRIPTIONS ?? 1000);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const hubDir = join(projectRoot, "dist", "hub");
const devhostMain = join(projectRoot, "build", "src", "devhost", "host", "main.js");
/** A data row of the subscriptions table (azure-devops-ui Table), not its header. */
const FIRST_ROW = "tr.bolt-table-row:not(.bolt-table-header-row) >> nth=0";

/** Each script of dist/hub, then their total. */
function bundleSizes() {
  const sizes = readdirSync(hubDir)
    .filter((name) => name.endsWith(".js"))
    .sort()
    .map((name) => {
      const raw = readFileSync(join(hubDir, name));
      return { name, rawKiB: raw.length / 1024, gzipKiB: gzipSync(raw).length / 1024 };
    });
  const sum = (key) => sizes.reduce((total, size) => total + size[key], 0);
  return [...sizes, { name: "all scripts", rawKiB: sum("rawKiB"), gzipKiB: sum("gzipKiB") }];
}

async function startDevhost(workDir, subscriptions) {
  const readyFile = join(workDir, `ready-${subscriptions}.json`);
  const child = spawn(process.execPath, [devhostMain, "--port", "0", "--subscriptions", String(subscriptions), "--ready-file", readyFile], {
    cwd: workDir,
    stdio: ["ignore", "ignore", "inherit"],
  });
  const deadline = Date.now() + 30_000;
  while (!existsSync(readyFile)) {
    if (child.exitCode !== null) throw new Error(`devhost exited with ${child.exitCode}`);
    if (Date.now() > deadline) throw new Error("devhost did not write its ready file within 30 s");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await new Promise((resolve) => setTimeout(resolve, 100));
  return { url: JSON.parse(readFileSync(readyFile, "utf8")).url, child };
}

async function timeToFirstRow(browser, url) {
  const page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
  try {
    const started = Date.now();
    await page.goto(url);
    await page.frameLocator("#ext").locator(FIRST_ROW).waitFor({ state: "visible", timeout: 60_000 });
    return Date.now() - started;
  } finally {
    await page.close();
  }
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function main() {
  const where = machine();
  const sizes = bundleSizes();
  for (const size of sizes) console.log(`${size.name}: ${size.rawKiB.toFixed(1)} KiB raw, ${size.gzipKiB.toFixed(1)} KiB gzip`);
  const workDir = mkdtempSync(join(tmpdir(), "hookrelay-bench-hub-"));
  const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu"] });
  const timesBy = new Map();
  try {
    for (const subscriptions of [0, SUBSCRIPTIONS]) {
      const devhost = await startDevhost(workDir, subscriptions);
      const times = [];
      try {
        for (let run = 0; run < RUNS; run++) times.push(await timeToFirstRow(browser, devhost.url));
      } finally {
        devhost.child.kill("SIGTERM");
      }
      console.log(`+${subscriptions} subscriptions: ${times.join(", ")} ms to the first row`);
      timesBy.set(subscriptions, times);
    }
  } finally {
    await browser.close();
    rmSync(workDir, { recursive: true, force: true });
  }
  const times = timesBy.get(SUBSCRIPTIONS);
  const seedOnly = timesBy.get(0);
  const rows = [
    ...sizes.map((size) => [`dist/hub ${size.name}: raw / gzip (zlib default level)`, `${size.rawKiB.toFixed(1)} KiB / ${size.gzipKiB.toFixed(1)} KiB`]),
    [`load to first row, seed + ${SUBSCRIPTIONS} subscriptions (median of ${RUNS})`, `${median(times)} ms (runs: ${times.join(", ")})`],
    [`load to first row, seed only (median of ${RUNS})`, `${median(seedOnly)} ms (runs: ${seedOnly.join(", ")})`],
    [`ratio ${SUBSCRIPTIONS} subscriptions / seed only`, (median(times) / median(seedOnly)).toFixed(2)],
  ];
  writeSection(
    "hub",
    `## Hub bundle budget (node bench/hub.mjs)\n\n${describeMachine(where)}.\n\n` +
      `Headless Chromium (/usr/bin/chromium) opens the stand-in's Project settings page (src/devhost, seeded with ` +
      `${SUBSCRIPTIONS} extra subscriptions); the time runs from navigation until the first subscription row is visible ` +
      `inside the hub's iframe. The seed-only row is the same page with the stand-in's own handful of subscriptions.\n\n${table(["measure", "value"], rows)}`,
  );
  console.log(`load-to-first-row: ${median(times)} ms (median of ${RUNS})`);
}

await main();
