/**
 * Builds a preset dictionary for compressing stored events (src/endpoint/store/content.ts) from the
 * official samples: their compact JSON (as Azure DevOps sends it) and a typical set of request
 * headers. A dictionary, once rows were stored with it, never changes: a new one gets a new codec
 * number and file. Usage: node scripts/content-dictionary.mjs <version> > src/endpoint/store/dictionaries/v<version>.json
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";

const SAMPLES = join(import.meta.dirname, "..", "samples", "payloads");
// deflate looks back at most 32 KiB, and the nearer the end the cheaper a match: commonest last.
const FILES = [
  "ms.vss-code.git-pullrequest-comment-event.json",
  "git.pullrequest.merged.json",
  "git.pullrequest.updated.json",
  "git.pullrequest.created.json",
  "git.push.json",
];
const HEADERS = {
  host: "hooks.example.com",
  "content-type": "application/json; charset=utf-8",
  "content-length": "3302",
  expect: "100-continue",
  connection: "keep-alive",
  "user-agent": "",
  "x-forwarded-for": "",
  "x-forwarded-proto": "https",
};

const version = Number(process.argv[2]);
if (!Number.isInteger(version) || version < 1) throw new Error("Usage: node scripts/content-dictionary.mjs <version>");
const parts = FILES.map((file) => JSON.stringify(JSON.parse(readFileSync(join(SAMPLES, file), "utf8"))));
parts.push(JSON.stringify(HEADERS));
const text = parts.join("\n");
if (Buffer.byteLength(text) > 32 * 1024) throw new Error(`The dictionary is ${Buffer.byteLength(text)} bytes; deflate uses at most 32 KiB.`);
process.stdout.write(`${JSON.stringify({ version, builtFrom: ["samples/payloads", ...FILES], text }, null, 1)}\n`);
