/**
 * How SQLite keeps a row's content, the body exactly as received and the headers. Small JSON
 * compresses poorly on its own (about 3.5×) but well against a preset dictionary of typical events
 * (about 9× for 4 KB events at the fastest level), so new rows are compressed with one, on the
 * writer thread. `codec` names the encoding, so rows written with an older one stay readable
 * whatever new rows use:
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
  const body = typeof delivery.body === "string" ? Buffer.from(delivery.body, "utf8") : delivery.body;
  const plain = Buffer.concat([Buffer.from(`${JSON.stringify(delivery.headers)}\n`, "utf8"), body]);
  return { body: deflateRawSync(plain, { ...DEFLATE_V1_OPTIONS, dictionary: dictionaryV1Bytes() }), headers: "", codec: DEFLATE_V1_CODEC };
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
