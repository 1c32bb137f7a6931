/** The delivery transport against a local https server with a freshly made self-signed certificate. */
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateLocalCertificate, type LocalCertificate } from "../../src/devhost/host/tls";
import { sendDelivery } from "../../src/devhost/delivery/transport";

let dir: string;
let certificate: LocalCertificate;
let server: Server;
let origin: string;
const bodies: { path: string; method: string; body: string }[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "hookrelay-tls-"));
  certificate = generateLocalCertificate(dir);
  server = createServer({ key: certificate.key, cert: certificate.cert }, (request, response) => {
    let body = "";
    request.on("data", (chunk: Buffer) => (body += chunk));
    request.on("end", () => {
      bodies.push({ path: request.url ?? "", method: request.method ?? "", body });
      if (request.url === "/moved") response.writeHead(307, { location: "/hooks" }).end();
      else if (request.url === "/slow") setTimeout(() => response.writeHead(200).end(), 1000);
      else response.writeHead(202, { "x-seen": "yes" }).end("ignored");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `https://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => (bodies.length = 0));

const post = (path: string, trusted: string[] | undefined, timeoutMs = 5000) =>
  sendDelivery(`${origin}${path}`, { headers: [["Authorization", "Bearer t"]], body: '{"id":1}', timeoutMs, trustedCertificates: trusted });

test("delivers over https when the certificate is trusted explicitly", async () => {
  const response = await post("/hooks", [certificate.cert]);
  expect(response).toMatchObject({ status: 202, statusText: "Accepted" });
  expect(response.headers["x-seen"]).toBe("yes");
  expect(bodies).toEqual([{ path: "/hooks", method: "POST", body: '{"id":1}' }]);
});

test("rejects the self-signed certificate when it is not trusted", async () => {
  await expect(post("/hooks", undefined)).rejects.toThrow(/self-signed certificate/);
  expect(bodies).toHaveLength(0);
});

test("follows a 307 with the same method and body", async () => {
  const response = await post("/moved", [certificate.cert]);
  expect(response.status).toBe(202);
  expect(bodies.map((b) => [b.path, b.method, b.body])).toEqual([
    ["/moved", "POST", '{"id":1}'],
    ["/hooks", "POST", '{"id":1}'],
  ]);
});

test("gives up with a TimeoutError when the endpoint is too slow", async () => {
  await expect(post("/slow", [certificate.cert], 200)).rejects.toMatchObject({ name: "TimeoutError" });
});
