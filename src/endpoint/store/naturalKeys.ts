/**
 * One event per Git change and channel (../../contract/naturalKey.ts), the rule both stores apply
 * when they write: a delivery whose natural key the channel already holds under another event id
 * is a receipt of the stored event, and an original (delivered or recovered) takes the place of a
 * rebuilt body and id. Also the backfill of the key for events stored before it existed.
 */
import { naturalKeyOf } from "../../contract/naturalKey";
import type { Delivery, EventOrigin } from "./types";

/** The stored event a delivery's natural key names. */
export interface KeyHolder {
  id: string | number;
  event_id: string;
  origin: EventOrigin;
}

/** Whether the delivery is another event id for a change the channel already holds. */
export function isReceiptOf(holder: KeyHolder | undefined, delivery: Delivery): holder is KeyHolder {
  return holder !== undefined && holder.event_id !== delivery.eventId;
}

/** A rebuilt event gives way to the original Azure DevOps sent, however it came (delivered, recovered). */
export function supersedes(delivery: Delivery, holder: KeyHolder): boolean {
  return holder.origin === "rebuilt" && (delivery.origin ?? "delivered") !== "rebuilt";
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
