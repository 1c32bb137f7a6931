/**
 * Builds a preset dictionary for compressing stored events (src/endpoint/store/content.ts) from the
 * official samples: their compact JSON (as Azure DevOps sends it) and a typical set of request
 * headers. A dictionary, once rows were stored with it, never changes: a new one gets a new codec
 * number and file. Usage: node scripts/content-dictionary.mjs <version> > src/endpoint/store/dictionaries/v<version>.json
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";

const SAMPLES = join(import.meta.dirname, "..", "samples", "payloads");
/**
 * v1 was sized for deflate (codec 1): the dictionary fills its window, and a window of 8 KiB
 * (windowBits 13) costs a third of the CPU time of 32 KiB per row. So one push and one pull request
 * (the three pull request events share their resource, and a comment event carries one too),
 * commonest last, nearest the data. Zstandard (codec 2) digests a dictionary once, so a later
 * version may be larger.
 */
const MAX_BYTES = 8 * 1024;
const FILES = ["git.pullrequest.updated.json", "git.push.json"];
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
if (Buffer.byteLength(text) > MAX_BYTES) throw new Error(`The dictionary is ${Buffer.byteLength(text)} bytes; the codec's window holds ${MAX_BYTES}.`);
process.stdout.write(`${JSON.stringify({ version, builtFrom: ["samples/payloads", ...FILES], text }, null, 1)}\n`);
