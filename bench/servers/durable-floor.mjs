/**
 * The floor for a durable receiver: the least any endpoint must do before it may answer 200 —
 * check the bearer token, parse the JSON, check that it has an id and an eventType, and commit it.
 * Every event-loop turn's events are committed in one transaction (group commit) into SQLite in WAL
 * mode with synchronous=FULL, in a table with a primary key and nothing else; each 200 is sent after
 * its commit. Hook Relay's ingest is measured against this, not against servers that store nothing.
 */
import { timingSafeEqual } from "node:crypto";
import { createServer } from "node:http";
import Database from "better-sqlite3";

const expected = Buffer.from(`Bearer ${process.env.HOOKRELAY_TOKENS}`);
const db = new Database(process.env.DB_FILE);
db.pragma("journal_mode = WAL");
db.pragma("synchronous = FULL");
db.exec("CREATE TABLE IF NOT EXISTS events (event_id TEXT PRIMARY KEY, event_type TEXT NOT NULL, body TEXT NOT NULL) WITHOUT ROWID");
const insert = db.prepare("INSERT OR IGNORE INTO events (event_id, event_type, body) VALUES (?, ?, ?)");
const commit = db.transaction((batch) => {
  for (const event of batch) insert.run(event.id, event.eventType, event.body);
});

let pending = [];

function flush() {
  const batch = pending;
  pending = [];
  let status = 200;
  try {
    commit(batch);
  } catch {
    status = 503;
  }
  for (const event of batch) answer(event.response, status);
}

function answer(response, status) {
  response.writeHead(status, { "content-type": "application/json" });
  response.end(status === 200 ? '{"ok":true}' : '{"error":"not stored"}');
}

function authorized(header) {
  const given = Buffer.from(header ?? "");
  return given.length === expected.length && timingSafeEqual(given, expected);
}

const server = createServer((request, response) => {
  if (request.method !== "POST" || request.url !== "/hooks" || !authorized(request.headers.authorization)) {
    request.resume();
    return answer(response, 401);
  }
  const chunks = [];
  request.on("data", (chunk) => chunks.push(chunk));
  request.on("end", () => {
    const body = Buffer.concat(chunks).toString("utf8");
    let event;
    try {
      event = JSON.parse(body);
    } catch {
      return answer(response, 400);
    }
    if (typeof event?.id !== "string" || typeof event.eventType !== "string") return answer(response, 400);
    if (pending.length === 0) setImmediate(flush);
    pending.push({ id: event.id, eventType: event.eventType, body, response });
  });
});
server.listen(Number(process.env.PORT), process.env.HOST ?? "127.0.0.1");
