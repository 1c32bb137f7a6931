/**
 * Dates as the service writes them in event payloads: .NET DateTime ticks (100 ns) in ISO form,
 * e.g. "2024-09-19T13:03:27.0379153Z". Newtonsoft writes up to 7 fractional digits and trims
 * trailing zeros, so the digits after the millisecond come from a high-resolution clock.
 */
const TICKS_PER_MILLISECOND = 10_000;

/** 0…9999: the 100-ns ticks within the current millisecond. */
export function subMillisecondTicks(): number {
  return Number((process.hrtime.bigint() / 100n) % BigInt(TICKS_PER_MILLISECOND));
}

export function serviceTimestamp(date: Date, ticks: number = subMillisecondTicks()): string {
  const iso = date.toISOString(); // yyyy-mm-ddThh:mm:ss.fffZ
  const fraction = `${iso.slice(20, 23)}${String(ticks).padStart(4, "0")}`.replace(/0+$/, "");
  return `${iso.slice(0, 19)}${fraction ? `.${fraction}` : ""}Z`;
}
