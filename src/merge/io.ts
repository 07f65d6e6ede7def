// Reading the merge's inputs from disk: size checked before reading, JSON parsed, the schema
// version checked before the full schema, every failure a MergeError with the file named.
import { readFileSync, statSync } from 'node:fs';
import type { z } from 'zod';
import { DAT_HEADER_BYTES, DAT_MAX_PAYLOAD_BYTES, JSON_MAX_BYTES, MERGE_SCHEMA_VERSION } from './constants.js';
import { decodeDat } from './dat.js';
import { MergeError } from './errors.js';
import { AnswersSchema, SessionFileSchema, type Answers, type Progress, type SessionFile } from './model.js';
import { describeZodError } from './zod-text.js';

function why(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'is a folder';
  return code ?? (err as Error).message;
}

function readBounded(file: string, maxBytes: number): Buffer {
  let size: number;
  try {
    const st = statSync(file);
    if (!st.isFile()) throw new MergeError('FILE_READ', 'not a regular file', { file });
    size = st.size;
  } catch (err) {
    if (err instanceof MergeError) throw err;
    throw new MergeError('FILE_READ', `cannot read: ${why(err)}`, { file, cause: err });
  }
  if (size > maxBytes) throw new MergeError('FILE_READ', `${size} bytes is over the ${maxBytes}-byte limit`, { file });
  try {
    return readFileSync(file);
  } catch (err) {
    throw new MergeError('FILE_READ', `cannot read: ${why(err)}`, { file, cause: err });
  }
}

/** Parses JSON text against `schema`, checking `schemaVersion` first for a clear message. */
export function parseJsonText<S extends z.ZodType>(text: string, schema: S, what: string, file?: string): z.infer<S> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new MergeError('JSON_PARSE', `${what} is not valid JSON (truncated or corrupt): ${(err as Error).message}`, { file, cause: err });
  }
  if (typeof raw === 'object' && raw !== null && 'schemaVersion' in raw) {
    const v = (raw as { schemaVersion: unknown }).schemaVersion;
    if (v !== MERGE_SCHEMA_VERSION) {
      throw new MergeError('SCHEMA_VERSION', `${what} schema version ${JSON.stringify(v)} is not supported (this build reads ${MERGE_SCHEMA_VERSION})`, { file });
    }
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new MergeError('SCHEMA', `not a valid ${what}: ${describeZodError(parsed.error)}`, { file });
  return parsed.data;
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
