/**
 * Reference, not a competitor: Fastify (the framework Hook Relay's endpoint is built on) parsing
 * the JSON body and answering 200, with a bearer-token check and nothing stored. It shows how much
 * of the bare server's rate the framework and JSON parsing alone leave, before any storage.
 */
import Fastify from "fastify";

const expected = `Bearer ${process.env.HOOKRELAY_TOKENS}`;
const app = Fastify({ logger: false });
app.addHook("onRequest", async (request, reply) => {
  if (request.headers.authorization !== expected) return reply.code(401).send({ error: "unauthorized" });
});
app.post("/hooks", async (request) => ({ id: request.body.id }));
await app.listen({ port: Number(process.env.PORT), host: process.env.HOST ?? "127.0.0.1" });
