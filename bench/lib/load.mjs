/** One bounded autocannon run on loopback, posting fresh deliveries from a payload mix. */
import autocannon from "autocannon";

/**
 * Posts to `url` for `seconds` with `connections` open connections. Each request gets the next
 * body of `mix` (a fresh event id). Returns throughput of 2xx answers, latency percentiles and the
 * ids that were answered 2xx (each connection has one request in flight, so its context knows which).
 */
export async function runLoad({ url, token, connections, seconds, mix }) {
  const acknowledged = [];
  const headers = { "content-type": "application/json" };
  if (token) headers.authorization = `Bearer ${token}`;
  const result = await autocannon({
    url,
    method: "POST",
    connections,
    duration: seconds,
    headers,
    requests: [
      {
        setupRequest(request, context) {
          const delivery = mix.next();
          context.id = delivery.id;
          request.body = delivery.body;
          return request;
        },
        onResponse(status, _body, context) {
          if (status >= 200 && status < 300) acknowledged.push(context.id);
        },
      },
    ],
  });
  const ok = result["2xx"];
  return {
    connections,
    seconds,
    ok,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    rps: ok / seconds,
    p50: result.latency.p50,
    p99: result.latency.p99,
    acknowledged,
  };
}
