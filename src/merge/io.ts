// Reading the merge's inputs from disk: size checked before reading, JSON parsed, the schema
// version checked before the full schema, every failure a MergeError with the file named.
import type { z } from 'zod';
import { DAT_HEADER_BYTES, DAT_MAX_PAYLOAD_BYTES, JSON_MAX_BYTES, MERGE_SCHEMA_VERSION } from './constants.js';
import { decodeDat } from './dat.js';
import { MergeError } from './errors.js';
import { AnswersSchema, SessionFileSchema, type Answers, type Progress, type SessionFile } from './model.js';
import { parseVersionedJson, readFileBounded } from '../util/json-file.js';

function readBounded(file: string, maxBytes: number): Buffer {
  const r = readFileBounded(file, maxBytes);
  if (r.ok) return r.value;
  if (r.kind === 'too_large') throw new MergeError('FILE_READ', `${r.bytes} bytes is over the ${r.maxBytes}-byte limit`, { file });
  if (r.kind === 'missing') throw new MergeError('FILE_READ', 'cannot read: no such file', { file });
  if (r.cause === undefined) throw new MergeError('FILE_READ', r.reason, { file });
  throw new MergeError('FILE_READ', `cannot read: ${r.reason}`, { file, cause: r.cause });
}

/** Parses JSON text against `schema`, checking `schemaVersion` first for a clear message. */
export function parseJsonText<S extends z.ZodType>(text: string, schema: S, what: string, file?: string): z.infer<S> {
  const r = parseVersionedJson(text, schema, { key: 'schemaVersion', expected: MERGE_SCHEMA_VERSION });
  if (r.ok) return r.value;
  switch (r.kind) {
    case 'not_json':
      throw new MergeError('JSON_PARSE', `${what} is not valid JSON (truncated or corrupt): ${r.reason}`, { file, cause: r.cause });
    case 'version':
      throw new MergeError('SCHEMA_VERSION', `${what} schema version ${JSON.stringify(r.found)} is not supported (this build reads ${r.expected})`, { file });
    case 'schema':
      throw new MergeError('SCHEMA', `not a valid ${what}: ${r.reason}`, { file });
  }
}

export function parseSessionText(text: string, file?: string): SessionFile {
  return parseJsonText(text, SessionFileSchema, 'session file', file);
}

export function readSessionFile(file: string): SessionFile {
  return parseSessionText(readBounded(file, JSON_MAX_BYTES).toString('utf8'), file);
}

export function readDatFile(file: string): Progress {
  return decodeDat(readBounded(file, DAT_HEADER_BYTES + DAT_MAX_PAYLOAD_BYTES), file);
}

export function readAnswersFile(file: string): Answers {
  return parseJsonText(readBounded(file, JSON_MAX_BYTES).toString('utf8'), AnswersSchema, 'answers file', file);
}
