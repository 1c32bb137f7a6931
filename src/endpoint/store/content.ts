/**
 * How SQLite keeps a row's content, the body exactly as received and the headers. Small JSON
 * compresses poorly on its own (about 3.5×) but well against a preset dictionary of typical events,
 * so new rows are compressed with one, on the main thread before they go to the writer thread
 * (sqliteThreaded.ts). `codec` names the encoding, so rows written with an older one stay readable
 * whatever new rows use:
 *   0  body and headers as text (the headers as a JSON object): rows of schema 3 and before
 *   1  `body` holds deflate-raw (dictionary v1, level 1, 8 KiB window) of the headers' JSON, a line
 *      feed, then the body, as UTF-8; `headers` is empty. Rows written before codec 2.
 *   2  the same text as one Zstandard frame (level 3) against dictionary v1 as raw content.
 *      zlib sets its dictionary up again for every row, which was most of deflate's 57 µs per 4 KB
 *      event; Zstandard digests it once per thread, and takes 7–13 µs for a smaller row and a
 *      fifth of the time to read back (bench/RESULTS.md, "fourth pass").
 * A dictionary never changes once rows were written with it: a new one is a new codec. It was
 * built by scripts/content-dictionary.mjs; its SHA-256 is checked before first use.
 */
import { createHash } from "node:crypto";
import { inflateRawSync } from "node:zlib";
import { Decompressor } from "zstd-napi";
import { CCtx, CParameter, compressBound } from "zstd-napi/binding";
import dictionaryV1 from "./dictionaries/v1.json";
import type { Delivery } from "./types";

export interface StoredContent {
  body: string | Buffer;
  headers: string;
  codec: number;
}

export const TEXT_CODEC = 0;
export const DEFLATE_V1_CODEC = 1;
export const ZSTD_V1_CODEC = 2;

const DICTIONARY_V1_SHA256 = "2a8b6af246b54d4c2e7013f2491bb59b1b5f09904523c6a59f2260fbda49c780";

const ZSTD_V1_LEVEL = 3;

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

let compressor: CCtx | undefined;
let decompressor: Decompressor | undefined;

/** This thread's compression context, dictionary v1 loaded (digested on its first row). */
function zstdV1Compressor(): CCtx {
  if (!compressor) {
    compressor = new CCtx();
    compressor.setParameter(CParameter.compressionLevel, ZSTD_V1_LEVEL);
    compressor.loadDictionary(dictionaryV1Bytes());
  }
  return compressor;
}

function zstdV1Decompressor(): Decompressor {
  if (!decompressor) {
    decompressor = new Decompressor();
    decompressor.loadDictionary(dictionaryV1Bytes());
  }
  return decompressor;
}

/**
 * The content of a new row, compressed, in a buffer of its own size (what crosses to the writer
 * thread is copied whole). Text that does not compress (the dictionary helps even the shortest
 * JSON) grows by a few bytes at most: Zstandard falls back to raw blocks.
 */
export function storedContent(delivery: Delivery): StoredContent {
  const plain = plainContent(`${JSON.stringify(delivery.headers)}\n`, delivery.body);
  const output = scratchBuffer("output", compressBound(plain.byteLength));
  const length = zstdV1Compressor().compress2(output, plain);
  return { body: Buffer.from(output.subarray(0, length)), headers: "", codec: ZSTD_V1_CODEC };
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

/** Rows up to this size are laid out and compressed in buffers kept for the next row, not new ones each time. */
const SCRATCH_BYTES = 1024 * 1024;
const scratch: Record<"plain" | "output", Buffer | undefined> = { plain: undefined, output: undefined };

/**
 * A buffer of at least `length` bytes, valid until the next call for the same use: every row would
 * otherwise leave a copy of its body as garbage (500 KB bodies, 64 at a time, add up).
 */
function scratchBuffer(use: "plain" | "output", length: number): Buffer {
  if (length > SCRATCH_BYTES) return Buffer.allocUnsafe(length);
  return (scratch[use] ??= Buffer.allocUnsafeSlow(SCRATCH_BYTES));
}

/** The headers line then the body, in a scratch buffer. */
function plainContent(headers: string, body: Delivery["body"]): Buffer {
  const length = Buffer.byteLength(headers) + (typeof body === "string" ? Buffer.byteLength(body) : body.byteLength);
  const target = scratchBuffer("plain", length);
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
    case DEFLATE_V1_CODEC:
      return headersAndBody(inflateRawSync(content.body as Buffer, { dictionary: dictionaryV1Bytes() }).toString("utf8"));
    case ZSTD_V1_CODEC:
      return headersAndBody(zstdV1Decompressor().decompress(content.body as Buffer).toString("utf8"));
    default:
      throw new Error(`A stored event has content codec ${content.codec}, which this Hook Relay does not know.`);
  }
}

/** JSON.stringify never puts a raw line feed in the headers' JSON: the first one ends it. */
function headersAndBody(text: string): { body: string; headers: string } {
  const end = text.indexOf("\n");
  return { headers: text.slice(0, end), body: text.slice(end + 1) };
}
