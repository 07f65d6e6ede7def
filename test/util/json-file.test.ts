import { describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { describeReadFailure, parseVersionedJson, readFileBounded, readVersionedJsonFile } from '../../src/util/json-file.js';
import { describeZodError } from '../../src/util/zod-text.js';

const Schema = z.object({ v: z.literal(1), names: z.array(z.string()) });
const V1 = { key: 'v', expected: 1 };
const dir = mkdtempSync(join(tmpdir(), 'util-json-'));
const file = (name: string, text: string): string => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

describe('versioned JSON reading', () => {
  it('reads a good file', () => {
    expect(readVersionedJsonFile(file('ok.json', '{"v":1,"names":["a"]}'), Schema, { maxBytes: 100, version: V1 })).toEqual({
      ok: true,
      value: { v: 1, names: ['a'] },
    });
  });

  it('tells each failure apart, and never throws', () => {
    const kind = (text: string): string => {
      const r = parseVersionedJson(text, Schema, V1);
      return r.ok ? 'ok' : r.kind;
    };
    expect(kind('')).toBe('not_json');
    expect(kind('{"v":1,"names":[')).toBe('not_json');
    expect(kind('{"v":7,"names":[]}')).toBe('version');
    expect(kind('{"v":1,"names":{}}')).toBe('schema');
    expect(kind('{"names":[]}')).toBe('schema'); // no version key: the schema decides
    expect(kind('null')).toBe('schema');
    expect(kind('[1,2]')).toBe('schema');
  });

  it('checks the version before the schema, so a newer file says so', () => {
    const r = parseVersionedJson('{"v":2,"whatever":true}', Schema, V1);
    expect(r).toEqual({ ok: false, kind: 'version', found: 2, expected: 1 });
    if (!r.ok) expect(describeReadFailure(r)).toBe('has version 2, this build reads version 1');
  });

  it('checks the size before reading, and says missing, folder and too large apart', () => {
    const big = file('big.json', 'x'.repeat(101));
    const r = readFileBounded(big, 100);
    expect(r).toEqual({ ok: false, kind: 'too_large', bytes: 101, maxBytes: 100 });
    expect(readFileBounded(join(dir, 'nope.json'), 100)).toEqual({ ok: false, kind: 'missing' });
    mkdirSync(join(dir, 'folder'), { recursive: true });
    expect(readFileBounded(join(dir, 'folder'), 100)).toMatchObject({ ok: false, kind: 'unreadable', reason: 'not a regular file' });
    const viaJson = readVersionedJsonFile(big, Schema, { maxBytes: 100 });
    expect(viaJson.ok ? '' : describeReadFailure(viaJson)).toBe('is 101 bytes, over the 100-byte limit');
  });
});

describe('zod error text', () => {
  it('names the first issue by its path and counts the rest', () => {
    const r = Schema.safeParse({ v: 2, names: [1] });
    expect(r.success).toBe(false);
    if (!r.success) expect(describeZodError(r.error)).toMatch(/^(v|names\.0): .+ \(and 1 more\)$/);
    const root = z.string().safeParse(5);
    if (!root.success) expect(describeZodError(root.error)).toMatch(/^\(root\): /);
  });
});
