/**
 * The devhost's one deliberate difference from Azure DevOps: with `allowHttp` (on in `npm run demo`),
 * plain-http URLs on this machine (127.0.0.1, localhost, [::1]) are accepted and delivered to, so a
 * local endpoint can be used without TLS. Every other URL still has to be https.
 */
const loopbackHosts = new Set(["127.0.0.1", "localhost", "[::1]"]);

export function isLoopbackHttp(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === "http:" && loopbackHosts.has(url.hostname.toLowerCase());
  } catch {
    return false;
  }
}
