/** Logs never carry a token, wherever a client puts one: headers, cookies, query strings, path segments, broken requests. */
import { connect, type AddressInfo } from "node:net";
import { Writable } from "node:stream";
import { buildServer, type EndpointServer } from "../../src/endpoint/server";
import type { EventStore } from "../../src/endpoint/store/types";
import { loadSample, memoryStore } from "./helpers";

const INGEST = "ingest-token-0123456789abcdef";
const READ = "read-token-0123456789abcdefghij";
/** What a client might mistake for its token, or really be its token. */
const SECRET = "Secr3t-t0ken-in-the-wrong-place";
const SECRETS = [INGEST, READ, SECRET];

/** Sends raw bytes and resolves once the server has answered and closed, or after a second. */
function sendRaw(app: EndpointServer, request: string): Promise<string> {
  const { port } = app.server.address() as AddressInfo;
  return new Promise((resolve) => {
    let answer = "";
    const socket = connect(port, "127.0.0.1", () => socket.write(request));
    const timer = setTimeout(() => socket.destroy(), 1000);
    socket.on("data", (chunk) => (answer += chunk.toString("latin1")));
    socket.on("error", () => undefined);
    socket.on("close", () => {
      clearTimeout(timer);
      resolve(answer);
    });
  });
}

test("no token reaches the log, at trace level, whatever the request and wherever the token is", async () => {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  // Commits fail and queries throw, so the warning and error paths log too.
  const store: EventStore = {
    ...memoryStore(),
    failing: true,
    query: async () => {
      throw new TypeError("query exploded");
    },
  } as EventStore;
  const app = buildServer({ store, ingestTokens: [INGEST], readTokens: [READ], logger: { level: "trace", stream } });
  await app.listen({ port: 0, host: "127.0.0.1" });
  const event = loadSample("git.push.json").raw;
  const basic = Buffer.from(`user:${SECRET}`).toString("base64");
  const headerPlaces: Record<string, string>[] = [
    { authorization: `Bearer ${INGEST}` },
    { authorization: `Bearer ${READ}` },
    { authorization: `Bearer ${SECRET}` },
    { authorization: `Basic ${basic}` },
    { authorization: SECRET },
    { cookie: `token=${SECRET}; session=${SECRET}` },
    { "proxy-authorization": `Bearer ${SECRET}` },
    { "x-api-key": SECRET, "x-auth-token": SECRET },
  ];
  const paths = ["/hooks", "/hooks/team", "/api/events", "/api/events/some-id", "/api/events/stream", "/nope"];
  // A stream never ends: HEAD takes the same checks and answers at once.
  const methodFor = (path: string) => (path.startsWith("/hooks") ? "POST" : path.startsWith("/api/events/stream") ? "HEAD" : "GET");
  const queries = [`?code=${SECRET}`, `?token=${SECRET}`, `?access_token=${SECRET}`, `?x=1&anything=${SECRET}`, `?${SECRET}`];
  try {
    for (const headers of headerPlaces) {
      for (const path of paths) {
        const method = methodFor(path);
        await app.inject({ method, url: path, headers: { "content-type": "application/json", ...headers }, payload: method === "POST" ? event : undefined });
      }
    }
    for (const path of [...paths, "/hooks/", "/api/events/"]) {
      for (const query of queries) {
        for (const token of [INGEST, READ]) {
          const method = methodFor(path);
          await app.inject({ method, url: path + query, headers: { "content-type": "application/json", authorization: `Bearer ${token}` }, payload: method === "POST" ? event : undefined });
        }
      }
    }
    for (const path of [`/hooks/${SECRET}`, `/api/events/${SECRET}`, `/nope/${SECRET}`, `/api/events/${SECRET}/more`]) {
      for (const token of [INGEST, READ, undefined]) {
        const method = methodFor(path);
        const headers: Record<string, string> = { "content-type": "application/json" };
        if (token) headers.authorization = `Bearer ${token}`;
        await app.inject({ method, url: path, headers, payload: method === "POST" ? event : undefined });
      }
    }
    // Requests Node's parser refuses: its error carries the raw bytes received, token included.
    const auth = `Authorization: Bearer ${INGEST}\r\nCookie: t=${SECRET}\r\n`;
    const broken = [
      `POST /hooks?code=${SECRET} HTTP/1.1\r\nHost: x\r\n${auth}Bad Header: 1\r\n\r\n`,
      `POST /hooks?code=${SECRET} HTTP/1.1\r\nHost: x\r\n${auth}Transfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\nzz\r\n`,
      `GET /api/events/%E0%A4%A?code=${SECRET} HTTP/1.1\r\nHost: x\r\n${auth}\r\n`,
      `GET /api/events?code=${SECRET} HTTP/1.1\r\nHost: x\r\n${auth}X-Pad: ${"a".repeat(20_000)}\r\n\r\n`,
      `POST /hooks?code=${SECRET} HTTP/1.1\r\nHost: x\r\n${auth}Expect: 202-accepted\r\nContent-Length: 2\r\n\r\n{}`,
      `GET http//${SECRET} HTTP/1.1\r\nHost: x\r\n${auth}\r\n`,
    ];
    for (const request of broken) expect(await sendRaw(app, request)).toMatch(/^HTTP\/1\.1 4\d\d /);
  } finally {
    await app.close();
  }

  const log = lines.join("");
  // The error and warning paths did log something.
  expect(log).toContain("query exploded");
  expect(log).toContain("store write failed");
  expect(log).toContain("client error");
  for (const secret of [...SECRETS, basic, encodeURIComponent(SECRET)]) expect(log).not.toContain(secret);
});
