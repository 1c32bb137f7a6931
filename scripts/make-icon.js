// Draws images/logo.png (128×128): a rounded blue tile with two linked nodes and an arrow.
// Run `node scripts/make-icon.js` after changing the design; the PNG is committed.
"use strict";
const fs = require("fs");
const path = require("path");
const zlib = require("zlib");

const SIZE = 128;
const BLUE = [0, 120, 212];
const WHITE = [255, 255, 255];

function insideRoundedSquare(x, y, radius) {
  const cx = Math.min(Math.max(x, radius), SIZE - 1 - radius);
  const cy = Math.min(Math.max(y, radius), SIZE - 1 - radius);
  return (x - cx) ** 2 + (y - cy) ** 2 <= radius ** 2;
}

function distanceToSegment(x, y, [ax, ay], [bx, by]) {
  const t = Math.max(0, Math.min(1, ((x - ax) * (bx - ax) + (y - ay) * (by - ay)) / ((bx - ax) ** 2 + (by - ay) ** 2)));
  return Math.hypot(x - (ax + t * (bx - ax)), y - (ay + t * (by - ay)));
}

function isMark(x, y) {
  const ring = (cx, cy) => Math.abs(Math.hypot(x - cx, y - cy) - 13) < 5;
  const line = distanceToSegment(x, y, [44, 64], [86, 64]) < 5;
  const head = distanceToSegment(x, y, [86, 64], [74, 52]) < 5 || distanceToSegment(x, y, [86, 64], [74, 76]) < 5;
  return ring(30, 64) || line || head || Math.hypot(x - 100, y - 64) < 11;
}

function pixel(x, y) {
  if (!insideRoundedSquare(x, y, 22)) return [0, 0, 0, 0];
  return [...(isMark(x, y) ? WHITE : BLUE), 255];
}

function crc32(buffer) {
  let crc = ~0;
  for (const byte of buffer) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return ~crc >>> 0;
}

function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

const header = Buffer.alloc(13);
header.writeUInt32BE(SIZE, 0);
header.writeUInt32BE(SIZE, 4);
header.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA, no interlace
const rows = [];
for (let y = 0; y < SIZE; y++) {
  rows.push(Buffer.from([0]));
  for (let x = 0; x < SIZE; x++) rows.push(Buffer.from(pixel(x, y)));
}
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk("IHDR", header),
  chunk("IDAT", zlib.deflateSync(Buffer.concat(rows))),
  chunk("IEND", Buffer.alloc(0)),
]);
fs.writeFileSync(path.join(__dirname, "..", "images", "logo.png"), png);
