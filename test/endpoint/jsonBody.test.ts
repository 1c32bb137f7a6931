/** The JSON shape check (nesting depth, repeated keys, prototype-pollution keys) and how ingest answers what it finds. */
import { randomUUID } from "node:crypto";
import type { RequestError } from "../../src/endpoint/errors";
import { findShapeProblem, MAX_JSON_DEPTH, parseJsonBody } from "../../src/endpoint/jsonBody";
import { buildServer } from "../../src/endpoint/server";
import { loadSample, memoryStore, SAMPLE_FILES } from "./helpers";

const codeOf = (text: string, maxDepth?: number) => findShapeProblem(text, maxDepth)?.code;
const arrays = (depth: number) => "[".repeat(depth) + "]".repeat(depth);
const objects = (depth: number) => '{"a":'.repeat(depth - 1) + "{}" + "}".repeat(depth - 1);

describe("findShapeProblem", () => {
  test("accepts every official sample", () => {
    for (const file of SAMPLE_FILES) expect([file, codeOf(loadSample(file).raw)]).toEqual([file, undefined]);
  });

  test("accepts nesting at the limit and refuses one level more, for arrays, objects and a mix", () => {
    expect(codeOf(arrays(MAX_JSON_DEPTH))).toBeUndefined();
    expect(codeOf(arrays(MAX_JSON_DEPTH + 1))).toBe("too_deep");
    expect(codeOf(objects(MAX_JSON_DEPTH))).toBeUndefined();
    expect(codeOf(objects(MAX_JSON_DEPTH + 1))).toBe("too_deep");
    expect(codeOf('{"a":[{"b":[1]}]}', 4)).toBeUndefined();
    expect(codeOf('{"a":[{"b":[[1]]}]}', 4)).toBe("too_deep");
    expect(codeOf(arrays(10_000))).toBe("too_deep");
  });

  test("counts depth, not the number of containers", () => {
    const siblings = `[${Array.from({ length: 1000 }, () => arrays(3)).join(",")}]`;
    expect(codeOf(siblings, 4)).toBeUndefined();
  });

  test("ignores brackets, braces, commas and quotes inside strings", () => {
    expect(codeOf(`{"a":"${"[{".repeat(100)}","b":"\\"[,\\"","c":"\\\\"}`, 2)).toBeUndefined();
    expect(codeOf('{"k\\"[":1,"k\\"{":2}', 1)).toBeUndefined();
  });

  test("finds a repeated key and names it", () => {
    const problem = findShapeProblem('{"id":"a","eventType":"git.push","id":"b"}');
    expect(problem?.code).toBe("duplicate_key");
    expect(problem?.message).toContain('"id"');
  });

  test("finds repeated keys in nested objects, in objects inside arrays, and after nested values", () => {
    expect(codeOf('{"resource":{"commits":[{"a":1,"b":2,"a":3}]}}')).toBe("duplicate_key");
    expect(codeOf('{"a":{"x":1},"b":[1,{"y":2}],"a":3}')).toBe("duplicate_key");
  });

  test("refuses keys a later merge could turn into prototype pollution, however they are spelled", () => {
    expect(codeOf('{"__proto__":{"admin":true}}')).toBe("forbidden_key");
    expect(codeOf('{"a":[{"b":{"\\u005f_proto__":1}}]}')).toBe("forbidden_key");
    expect(codeOf('{"x":1,"constructor":{"a":1,"prototype":{"admin":true}}}')).toBe("forbidden_key");
    expect(codeOf('{"constructor":{"nested":{"prototype":1}}}')).toBeUndefined();
    expect(codeOf('{"constructor":[{"prototype":1}]}')).toBeUndefined();
    expect(codeOf('{"prototype":1,"constructor":"x","name":"__proto__"}')).toBeUndefined();
  });

  test("allows the same key in sibling and nested objects, and as a string value", () => {
    expect(codeOf('[{"id":1},{"id":2}]')).toBeUndefined();
    expect(codeOf('{"id":{"id":{"id":1}},"other":{"id":2}}')).toBeUndefined();
    expect(codeOf('{"id":"id","name":["id","id"]}')).toBeUndefined();
  });

  test("compares keys after decoding escapes", () => {
    expect(codeOf('{"id":"a","\\u0069d":"b"}')).toBe("duplicate_key");
    expect(codeOf('{"a\\"b":1,"a\\u0022b":2}')).toBe("duplicate_key");
    expect(codeOf('{"a\\\\":1,"a\\\\\\\\":2}')).toBeUndefined();
    expect(codeOf('{"a\\\\":1,"a\\u005c":2}')).toBe("duplicate_key");
  });

  test("ends without throwing on malformed text", () => {
    for (const text of ['{"a":"unterminated', "]]]}}", '{"a\\', '{"\\uZZZZ":1,"\\uZZZZ":2', "", ",,,{"]) {
      expect(() => findShapeProblem(text)).not.toThrow();
    }
  });
});

describe("parseJsonBody", () => {
  const refusal = (bytes: Buffer) => {
    try {
      parseJsonBody(bytes);
    } catch (error) {
      return (error as RequestError).code;
    }
    return undefined;
  };
  const withNote = (note: number[]) => Buffer.concat([Buffer.from('{"note":"'), Buffer.from(note), Buffer.from('"}')]);

  test("reads every official sample as JSON.parse reads its text", () => {
    for (const file of SAMPLE_FILES) {
      const { raw } = loadSample(file);
      expect([file, parseJsonBody(Buffer.from(raw))]).toEqual([file, JSON.parse(raw)]);
    }
    expect(parseJsonBody(withNote([0xf0, 0x9f, 0x9a, 0x80, 0xe2, 0x86, 0x92]))).toEqual({ note: "🚀→" });
  });

  test.each([
    ["a byte that never starts a character", [0xff]],
    ["a continuation byte alone", [0x80]],
    ["a sequence cut short", [0xe2, 0x86]],
    ["an overlong form of '/'", [0xc0, 0xaf]],
    ["an encoded surrogate (CESU-8)", [0xed, 0xa0, 0x80]],
    ["a code point beyond U+10FFFF", [0xf4, 0x90, 0x80, 0x80]],
  ])("refuses %s as not UTF-8", (_name, note) => {
    expect(refusal(withNote(note))).toBe("invalid_encoding");
  });
});

describe("ingest refuses what the shape check finds", () => {
  const store = memoryStore();
  const { stored } = store;
  const app = buildServer({ store, ingestTokens: ["ingest-token-0123456789abcdef"], readTokens: ["read-token-0123456789abcdefghij"] });
  const post = (payload: string) =>
    app.inject({
      method: "POST",
      url: "/hooks",
      headers: { authorization: "Bearer ingest-token-0123456789abcdef", "content-type": "application/json" },
      payload,
    });
  afterAll(() => app.close());

  test("400 too_deep and 400 duplicate_key, nothing stored; a valid event still is", async () => {
    const sample = loadSample("git.push.json");
    const deep = await post(sample.raw.replace(/^\{/, `{"deep":${arrays(MAX_JSON_DEPTH)},`));
    const duplicate = await post(sample.raw.replace(/^\{/, `{"id":"${randomUUID()}",`));
    expect([deep.statusCode, deep.json().error.code]).toEqual([400, "too_deep"]);
    expect([duplicate.statusCode, duplicate.json().error.code]).toEqual([400, "duplicate_key"]);
    expect(stored).toHaveLength(0);

    expect((await post(sample.raw)).statusCode).toBe(200);
    expect(stored.map((d) => d.eventId)).toEqual([sample.id]);
  });
});
