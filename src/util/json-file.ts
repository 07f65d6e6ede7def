// Reading a JSON file the program owns or is handed: size checked before reading, JSON parsed,
// the format version checked before the full schema (so an old or new file gets "version 7,
// this build reads 1" rather than a schema complaint), then the schema. Nothing here throws on
// bad input: each step returns a tagged failure, and the caller words it in its own error type
// (MergeError, AdminError, ...), so every file format fails the same way, in its owner's terms.
import { readFileSync, statSync } from 'node:fs';
import type { z } from 'zod';
import { describeZodError } from './zod-text.js';

export type FileFailure =
  | { ok: false; kind: 'missing' }
  | { ok: false; kind: 'unreadable'; reason: string; cause?: unknown }
  | { ok: false; kind: 'too_large'; bytes: number; maxBytes: number };

export type JsonFailure =
  | { ok: false; kind: 'not_json'; reason: string; cause: unknown }
  | { ok: false; kind: 'version'; found: unknown; expected: number }
  | { ok: false; kind: 'schema'; reason: string };

export type Read<T, F> = { ok: true; value: T } | F;

/** Where a file format keeps its version, and the one version this build reads. */
export interface FormatVersion {
  key: string;
  expected: number;
}

/** A short reason for an fs error: the common ones in words, the rest by code. */
export function describeFsError(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'is a folder';
  return code ?? (err as Error).message;
}

/** Reads a regular file of at most `maxBytes` (checked by stat before any byte is read). */
export function readFileBounded(path: string, maxBytes: number): Read<Buffer, FileFailure> {
  try {
    const st = statSync(path);
    if (!st.isFile()) return { ok: false, kind: 'unreadable', reason: 'not a regular file' };
    if (st.size > maxBytes) return { ok: false, kind: 'too_large', bytes: st.size, maxBytes };
    return { ok: true, value: readFileSync(path) };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { ok: false, kind: 'missing' };
    return { ok: false, kind: 'unreadable', reason: describeFsError(err), cause: err };
  }
}

/**
 * Parses JSON text, checks the format version when `version` is given and the document carries
 * the key (a document without it is left to the schema), then the schema.
 */
export function parseVersionedJson<S extends z.ZodType>(text: string, schema: S, version?: FormatVersion): Read<z.infer<S>, JsonFailure> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    return { ok: false, kind: 'not_json', reason: (err as Error).message, cause: err };
  }
  if (version && typeof raw === 'object' && raw !== null && version.key in raw) {
    const found = (raw as Record<string, unknown>)[version.key];
    if (found !== version.expected) return { ok: false, kind: 'version', found, expected: version.expected };
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) return { ok: false, kind: 'schema', reason: describeZodError(parsed.error) };
  return { ok: true, value: parsed.data };
}

/** readFileBounded, then parseVersionedJson on its UTF-8 text. */
export function readVersionedJsonFile<S extends z.ZodType>(
  path: string,
  schema: S,
  opts: { maxBytes: number; version?: FormatVersion },
): Read<z.infer<S>, FileFailure | JsonFailure> {
  const file = readFileBounded(path, opts.maxBytes);
  if (!file.ok) return file;
  return parseVersionedJson(file.value.toString('utf8'), schema, opts.version);
}

/** One clause for a failure, for owners that need no error code of their own ("<path> " + it). */
export function describeReadFailure(f: FileFailure | JsonFailure): string {
  switch (f.kind) {
    case 'missing':
      return 'does not exist';
    case 'unreadable':
      return `cannot be read: ${f.reason}`;
    case 'too_large':
      return `is ${f.bytes} bytes, over the ${f.maxBytes}-byte limit`;
    case 'not_json':
      return `is not valid JSON (${f.reason})`;
    case 'version':
      return `has version ${JSON.stringify(f.found)}, this build reads version ${f.expected}`;
    case 'schema':
      return `does not match its format (${f.reason})`;
  }
}
