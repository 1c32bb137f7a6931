/**
 * Baseline (b), a typical minimal receiver: express.json() parses the body and fs.appendFile
 * adds it to a file before the answer. No fsync: the line may still sit in the page cache.
 */
import { appendFile } from "node:fs";
import express from "express";

const app = express();
app.use(express.json({ limit: "1mb" }));
app.post(["/hooks", "/hooks/:channel"], (request, response, next) => {
  appendFile(process.env.EVENTS_FILE, JSON.stringify(request.body) + "\n", (error) => {
    if (error) return next(error);
    response.json({ id: request.body.id });
  });
});
app.listen(Number(process.env.PORT), process.env.HOST ?? "127.0.0.1");
