/**
 * Azure DevOps Services refuses subscription URLs, and deliveries, whose host resolves to a private,
 * loopback, link-local or other special-purpose address (UrlAddressIpValidatorService). The stand-in
 * applies the same rule unless it is told to allow local delivery, which the demo and the tests need.
 */
import { lookup } from "node:dns/promises";
import { BlockList, isIP } from "node:net";

/** Host name → the addresses it resolves to; [] when it does not resolve. */
export type HostResolver = (hostname: string) => Promise<string[]>;

export const resolveWithDns: HostResolver = async (hostname) => {
  try {
    return (await lookup(hostname, { all: true, verbatim: true })).map((a) => a.address);
  } catch {
    // Not stated in the reference: what the service does with a name that does not resolve. It is let
    // through here; its delivery then fails like any connection error.
    return [];
  }
};

/** The ranges of service-hooks-internals §1.5 (10/8, 172.16/12, 192.168/16, 100.64/10, 169.254/16, 168.63.129.16, loopback, …). */
const refused = new BlockList();
for (const [network, prefix] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.168.0.0", 16],
] as const) {
  refused.addSubnet(network, prefix, "ipv4");
}
refused.addAddress("168.63.129.16", "ipv4");
refused.addAddress("255.255.255.255", "ipv4");
for (const [network, prefix] of [
  ["::", 128],
  ["::1", 128],
  ["fc00::", 7],
  ["fe80::", 10],
] as const) {
  refused.addSubnet(network, prefix, "ipv6");
}

export function isRefusedAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return false;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return refused.check(mapped[1], "ipv4");
  return refused.check(address, family === 4 ? "ipv4" : "ipv6");
}

/** The first refused address `url`'s host resolves to, or undefined when every address may be delivered to. */
export async function refusedAddressOf(url: string, resolve: HostResolver): Promise<string | undefined> {
  let hostname: string;
  try {
    hostname = new URL(url).hostname.replace(/^\[(.*)\]$/, "$1");
  } catch {
    return undefined;
  }
  const addresses = isIP(hostname) ? [hostname] : await resolve(hostname);
  return addresses.find(isRefusedAddress);
}
