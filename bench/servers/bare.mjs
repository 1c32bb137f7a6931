/** Baseline (a), the limit: reads the whole body and answers 200 without storing anything. */
import { createServer } from "node:http";

const server = createServer((request, response) => {
  request.on("data", () => {});
  request.on("end", () => {
    response.writeHead(200, { "content-type": "application/json" });
    response.end('{"ok":true}');
  });
});
server.listen(Number(process.env.PORT), process.env.HOST ?? "127.0.0.1");
