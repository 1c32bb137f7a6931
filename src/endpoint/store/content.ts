/**
 * How SQLite keeps a row's content, the body exactly as received and the headers. Small JSON
 * compresses poorly on its own (about 3.5×) but well against a preset dictionary of typical events
 * (about 9× for 4 KB events at the fastest level), so new rows are compressed with one, on the
 * main thread before they go to the writer thread (sqliteThreaded.ts). `codec` names the encoding,
 * so rows written with an older one stay readable whatever new rows use:
 *   0  body and headers as text (the headers as a JSON object): rows of schema 3 and before
 *   1  `body` holds deflate-raw (dictionary v1, dictionaries/v1.json) of the headers' JSON, a line
 *      feed, then the body, as UTF-8; `headers` is empty. One stream per row: most of its cost is
 *      setting up the stream and its dictionary, so the headers are not given a stream of their own.
 *      Level 1 and an 8 KiB window: per row about half the CPU time of level 6 with a 32 KiB
 *      dictionary, for about twice the (still small) output.
 * A dictionary never changes once rows were written with it: a new one is a new codec. It was
 * built by scripts/content-dictionary.mjs; its SHA-256 is checked before first use.
 */
import { createHash } from "node:crypto";
import { deflateRawSync, inflateRawSync } from "node:zlib";
import dictionaryV1 from "./dictionaries/v1.json";
import type { Delivery } from "./types";

export interface StoredContent {
  body: string | Buffer;
  headers: string;
  codec: number;
}

export const TEXT_CODEC = 0;
export const DEFLATE_V1_CODEC = 1;

const DICTIONARY_V1_SHA256 = "2a8b6af246b54d4c2e7013f2491bb59b1b5f09904523c6a59f2260fbda49c780";

/** Reading needs only the dictionary: inflate takes any window up to its own (32 KiB). */
const DEFLATE_V1_OPTIONS = { level: 1, windowBits: 13, memLevel: 4 };

let dictionary: Buffer | undefined;

/** Dictionary v1, checked once against the hash every row written with it depends on. */
function dictionaryV1Bytes(): Buffer {
  if (!dictionary) {
    const bytes = Buffer.from(dictionaryV1.text, "utf8");
    const digest = createHash("sha256").update(bytes).digest("hex");
    if (digest !== DICTIONARY_V1_SHA256) throw new Error("dictionaries/v1.json was changed: rows compressed with it would not read back. Add a new codec instead.");
    dictionary = bytes;
  }
  return dictionary;
}

/**
 * The content of a new row, compressed. Text that does not compress (the dictionary helps even
 * the shortest JSON) grows by a few bytes at most: deflate falls back to stored blocks.
 */
export function storedContent(delivery: Delivery): StoredContent {
  const plain = plainContent(`${JSON.stringify(delivery.headers)}\n`, delivery.body);
  return { body: deflateRawSync(plain, { ...DEFLATE_V1_OPTIONS, dictionary: dictionaryV1Bytes() }), headers: "", codec: DEFLATE_V1_CODEC };
}

/** The delivery with its content compressed, and its body and headers let go. */
export function compressedDelivery(delivery: Delivery): Delivery {
  return delivery.content ? delivery : { ...delivery, body: "", headers: {}, content: storedContent(delivery) };
}

/**
 * Bodies from this size on are compressed as soon as they are queued (EventStore.prepare), not when
 * their batch goes to be written: 64 of 500 KB waiting for a commit would hold 32 MB. Smaller ones
 * wait whole, which is quicker: a batch's rows are compressed together, in one loop.
 */
const COMPRESS_WHEN_QUEUED_BYTES = 64 * 1024;

export function preparedDelivery(delivery: Delivery): Delivery {
  const { body } = delivery;
  const size = typeof body === "string" ? body.length : body.byteLength;
  return size >= COMPRESS_WHEN_QUEUED_BYTES ? compressedDelivery(delivery) : delivery;
}

/** Bodies up to this size are laid out in one buffer kept for the next row, not a new one each time. */
const SCRATCH_BYTES = 1024 * 1024;
let scratch: Buffer | undefined;

/**
 * The headers line then the body, in a buffer that is only valid until the next call: every row
 * would otherwise leave a copy of its body as garbage (500 KB bodies, 64 at a time, add up).
 */
function plainContent(headers: string, body: Delivery["body"]): Buffer {
  const length = Buffer.byteLength(headers) + (typeof body === "string" ? Buffer.byteLength(body) : body.byteLength);
  const target = length <= SCRATCH_BYTES ? (scratch ??= Buffer.allocUnsafeSlow(SCRATCH_BYTES)) : Buffer.allocUnsafe(length);
  let end = target.write(headers, 0);
  if (typeof body === "string") end += target.write(body, end);
  else {
    target.set(body, end);
    end += body.byteLength;
  }
  return target.subarray(0, end);
}

/** The body and headers of a stored row, as text. */
export function readContent(content: StoredContent): { body: string; headers: string } {
  switch (content.codec) {
    case TEXT_CODEC:
      return { body: String(content.body), headers: content.headers };
    case DEFLATE_V1_CODEC: {
      const text = inflateRawSync(content.body as Buffer, { dictionary: dictionaryV1Bytes() }).toString("utf8");
      // JSON.stringify never puts a raw line feed in the headers' JSON: the first one ends it.
      const end = text.indexOf("\n");
      return { headers: text.slice(0, end), body: text.slice(end + 1) };
    }
    default:
      throw new Error(`A stored event has content codec ${content.codec}, which this Hook Relay does not know.`);
  }
}
