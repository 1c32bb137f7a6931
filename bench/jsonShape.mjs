// Cost of the JSON shape check (depth, duplicate keys) that runs on every delivery, next to JSON.parse.
// Run: npm run build:node && node bench/jsonShape.mjs
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const { findShapeProblem } = require("../build/src/endpoint/jsonBody.js");

const push = readFileSync(new URL("../samples/payloads/git.push.json", import.meta.url), "utf8");
const event = JSON.parse(push);
// ~500 KB: a push with many commits, as a large real delivery would be.
const commits = Array.from({ length: 1150 }, (_, i) => ({ ...event.resource.commits[0], commitId: String(i).padStart(40, "0") }));
const large = JSON.stringify({ ...event, resource: { ...event.resource, commits } });

/** CPU microseconds per call (CPU time, not wall time: the machine may be shared). */
function microseconds(fn, text, budgetMs = 1500) {
  for (let i = 0; i < 200; i++) fn(text); // warm-up
  let calls = 0;
  const start = process.cpuUsage();
  let used = 0;
  while (used < budgetMs * 1000) {
    for (let i = 0; i < 20; i++) fn(text);
    calls += 20;
    const { user, system } = process.cpuUsage(start);
    used = user + system;
  }
  return used / calls;
}

for (const [name, text] of [["git.push sample", push], ["large push", large]]) {
  if (findShapeProblem(text)) throw new Error(`${name}: unexpected problem`);
  const shape = microseconds(findShapeProblem, text);
  const parse = microseconds(JSON.parse, text);
  console.log(`${name} (${(text.length / 1024).toFixed(1)} KB): shape check ${shape.toFixed(1)} µs, JSON.parse ${parse.toFixed(1)} µs`);
}
