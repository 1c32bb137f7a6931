/**
 * How SQLite keeps a row's content, the body exactly as received and the headers: `codec` names
 * the encoding, so rows written by an older Hook Relay stay readable whatever it is now.
 *   0  body and headers as text (the headers as a JSON object)
 */
import type { Delivery } from "./types";

export interface StoredContent {
  body: string | Buffer;
  headers: string | Buffer;
  codec: number;
}

export const TEXT_CODEC = 0;

/** The content of a new row. */
export function storedContent(delivery: Delivery): StoredContent {
  return { body: delivery.body, headers: JSON.stringify(delivery.headers), codec: TEXT_CODEC };
}

/** The body and headers of a stored row, as text. */
export function readContent(content: StoredContent): { body: string; headers: string } {
  if (content.codec !== TEXT_CODEC) throw new Error(`A stored event has content codec ${content.codec}, which this Hook Relay does not know.`);
  return { body: String(content.body), headers: String(content.headers) };
}
