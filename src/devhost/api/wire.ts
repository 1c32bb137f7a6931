/**
 * How the real service formats JSON for a caller: the options the clients put in `Accept`
 * (enumsAsNumbers, msDateFormat, noArrayWrap), its error objects, and list wrapping.
 */

export interface WireOptions {
  enumsAsNumbers: boolean;
  msDateFormat: boolean;
  noArrayWrap: boolean;
  apiVersion?: string;
}

export function wireOptions(accept: string | undefined): WireOptions {
  const parameters = new Map<string, string>();
  for (const part of (accept ?? "").split(";").slice(1)) {
    const [key, value = ""] = part.split("=");
    parameters.set(key.trim().toLowerCase(), value.trim());
  }
  const flag = (name: string) => parameters.get(name.toLowerCase()) === "true";
  return {
    enumsAsNumbers: flag("enumsAsNumbers"),
    msDateFormat: flag("msDateFormat"),
    noArrayWrap: flag("noArrayWrap"),
    apiVersion: parameters.get("api-version"),
  };
}

/** A numeric enum of azure-devops-extension-api: its reverse mapping gives each value's PascalCase name. */
export type NumericEnum = Record<string, string | number>;

/** The number, or the camelCase name the service writes for callers that did not ask for numbers. */
export function enumText(value: number, type: NumericEnum, wire: WireOptions): number | string {
  if (wire.enumsAsNumbers) return value;
  const name = type[value];
  return typeof name === "string" ? name.charAt(0).toLowerCase() + name.slice(1) : String(value);
}

/** Enum inputs may arrive as numbers or as names, in any case. */
export function parseEnum(value: unknown, type: NumericEnum): number | undefined {
  if (value === undefined || value === null || value === "") return undefined;
  const numeric = Number(value);
  if (Number.isFinite(numeric)) return numeric;
  const key = Object.keys(type).find((name) => typeof type[name] === "number" && name.toLowerCase() === String(value).toLowerCase());
  return key === undefined ? undefined : (type[key] as number);
}

/** ISO string → "/Date(ms)/" when the caller asked for Microsoft dates; null stays null. */
export function dateText(value: string | null | undefined, wire: WireOptions): string | null | undefined {
  if (!value || !wire.msDateFormat) return value;
  return `/Date(${Date.parse(value)})/`;
}

/** .NET's DateTime.MinValue (0001-01-01T00:00:00, unspecified kind), which non-nullable dates carry when unset. */
const MIN_DATE = { iso: "0001-01-01T00:00:00", ms: -62135596800000 };

export function minDateText(wire: WireOptions): string {
  return wire.msDateFormat ? `/Date(${MIN_DATE.ms})/` : MIN_DATE.iso;
}

/** A date a caller sent: ISO text or "/Date(ms)/"; undefined when absent or unreadable. */
export function parseDate(value: unknown): number | undefined {
  if (value === undefined || value === null || value === "") return undefined;
  const ms = /^\/Date\((-?\d+)\)\/$/.exec(String(value));
  const parsed = ms ? Number(ms[1]) : Date.parse(String(value));
  return Number.isNaN(parsed) ? undefined : parsed;
}

export function listBody<T>(items: T[], wire: WireOptions): T[] | { count: number; value: T[] } {
  return wire.noArrayWrap ? items : { count: items.length, value: items };
}
