/**
 * The durable floor doing Hook Relay's storage work: node:http on one thread, as the durable floor
 * (durable-floor.mjs), but each delivery gets the checks and facts Hook Relay requires (the body's
 * shape scan, UTF-8 check, facts, natural key, storable text) and is committed through Hook
 * Relay's own SQLite store (compiled, build/src/endpoint/store): its schema, its indexes, its
 * compression, one group commit per event-loop turn, synchronous=FULL, each 200 after its commit.
 * No framework, no writer thread, no metrics or logs. What separates it from the durable floor is
 * what the issue requires Hook Relay to keep; what separates Hook Relay from it is Hook Relay's
 * own (Fastify, the writer thread and its hand-off, metrics).
 */
import { timingSafeEqual } from "node:crypto";
import { createServer } from "node:http";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const { SqliteStore } = require("../../build/src/endpoint/store/sqlite.js");
const { storableDelivery } = require("../../build/src/endpoint/store/columns.js");
const { findShapeProblem } = require("../../build/src/endpoint/jsonBody.js");
const { extractFacts } = require("../../build/src/contract/facts.js");
const { naturalKeyOf } = require("../../build/src/contract/naturalKey.js");

const expected = Buffer.from(`Bearer ${process.env.HOOKRELAY_TOKENS}`);
const store = new SqliteStore({ filename: process.env.HOOKRELAY_DB.slice("sqlite:".length), synchronous: "FULL" });
const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

let pending = [];

async function flush() {
  const batch = pending;
  pending = [];
  let status = 200;
  try {
    await store.recordBatch(batch.map((entry) => entry.delivery));
  } catch {
    status = 503;
  }
  for (const { response } of batch) answer(response, status);
}

function answer(response, status) {
  response.writeHead(status, { "content-type": "application/json" });
  response.end(status === 200 ? '{"ok":true}' : '{"error":"not stored"}');
}

function authorized(header) {
  const given = Buffer.from(header ?? "");
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function deliveryOf(body, headers) {
  const text = utf8.decode(body);
  if (findShapeProblem(text)) return undefined;
  const event = JSON.parse(text);
  if (typeof event?.id !== "string" || typeof event.eventType !== "string") return undefined;
  const { authorization, ...kept } = headers;
  return storableDelivery({
    channel: "", eventId: event.id, facts: extractFacts(event), body, headers: kept,
    receivedAt: Date.now(), origin: "delivered", naturalKey: naturalKeyOf(event),
  });
}

const server = createServer((request, response) => {
  if (request.url === "/readyz") return answer(response, 200);
  if (request.method !== "POST" || request.url !== "/hooks" || !authorized(request.headers.authorization)) {
    request.resume();
    return answer(response, 401);
  }
  const chunks = [];
  request.on("data", (chunk) => chunks.push(chunk));
  request.on("end", () => {
    let delivery;
    try {
      delivery = deliveryOf(Buffer.concat(chunks), request.headers);
    } catch {
      delivery = undefined;
    }
    if (!delivery) return answer(response, 400);
    if (pending.length === 0) setImmediate(flush);
    pending.push({ delivery, response });
  });
});
server.listen(Number(process.env.PORT), process.env.HOST ?? "127.0.0.1");
