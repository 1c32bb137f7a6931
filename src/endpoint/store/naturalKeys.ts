/**
 * A rebuilt event and the original of the same Git change are one event (../../contract/naturalKey.ts),
 * the rule both stores apply when they write, per channel: an original (delivered, or recovered from
 * history) takes the place of a rebuilt body and id, and a rebuilt copy of a change held is a receipt.
 * Two originals are two events, whatever they report: Azure DevOps's event id is what tells its events
 * apart (test notifications, for one, send the same sample change under new ids), so the second one
 * is stored without the key. Also the backfill of the key for events stored before it existed.
 */
import { naturalKeyOf } from "../../contract/naturalKey";
import type { Delivery, EventOrigin } from "./types";

/** The stored event a delivery's natural key names. */
export interface KeyHolder {
  id: string | number;
  event_id: string;
  origin: EventOrigin;
}

/**
 * How a delivery is written, given the event that holds its natural key on the channel: as a row of
 * its own (keyed, or without the key when another original holds it), as a receipt of the holder, or
 * in the holder's place.
 */
export type KeyedWrite = "insert" | "insertWithoutKey" | "receipt" | "supersede";

export function keyedWrite(holder: KeyHolder | undefined, delivery: Delivery): KeyedWrite {
  if (holder === undefined || holder.event_id === delivery.eventId) return "insert";
  const rebuilt = (origin: EventOrigin | undefined) => origin === "rebuilt";
  if (rebuilt(holder.origin)) return rebuilt(delivery.origin) ? "receipt" : "supersede";
  return rebuilt(delivery.origin) ? "receipt" : "insertWithoutKey";
}

/** The key of a stored body, or undefined when it is not JSON or reports no keyed change. */
function keyOfBody(body: string): string | undefined {
  try {
    const event = JSON.parse(body) as unknown;
    return event !== null && typeof event === "object" ? naturalKeyOf(event as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export const KEYED_TYPES_SQL = "('git.push', 'git.pullrequest.created', 'git.pullrequest.merged')";

/**
 * The natural keys of events stored before the store kept them, oldest row first: the first row of
 * a change keeps the key, so the unique index can be built; later rows of it stay as they were.
 */
export function backfilledKeys(rows: Iterable<{ id: string | number; channel: string; body: string }>): { id: string | number; key: string }[] {
  const taken = new Set<string>();
  const keys: { id: string | number; key: string }[] = [];
  for (const row of rows) {
    const key = keyOfBody(row.body);
    const slot = key && JSON.stringify([row.channel, key]);
    if (!key || !slot || taken.has(slot)) continue;
    taken.add(slot);
    keys.push({ id: row.id, key });
  }
  return keys;
}
