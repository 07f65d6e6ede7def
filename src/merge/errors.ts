// One typed error for the merge package: a stable code, the file it concerns, a clear message.

export type MergeErrorCode =
  | 'FILE_READ' // could not read an input (missing, unreadable, too large)
  | 'FILE_WRITE' // could not write an output
  | 'JSON_PARSE' // not JSON (truncated, corrupt)
  | 'SCHEMA' // JSON or payload that does not match the model
  | 'SCHEMA_VERSION' // a model version this build does not read
  | 'DAT_TOO_SHORT'
  | 'DAT_BAD_MAGIC'
  | 'DAT_VERSION'
  | 'DAT_TRUNCATED'
  | 'DAT_TRAILING_BYTES'
  | 'DAT_TOO_LARGE'
  | 'DAT_CHECKSUM'
  | 'DAT_DECODE'
  | 'UNKNOWN_PLAYER'
  | 'AMBIGUOUS_PLAYER'
  | 'OUT_IS_INPUT'
  | 'BAD_ANSWER'; // a resolution that names no pending conflict, or an invalid choice

export class MergeError extends Error {
  readonly code: MergeErrorCode;
  readonly file: string | undefined;

  constructor(code: MergeErrorCode, message: string, options: { file?: string; cause?: unknown } = {}) {
    super(options.file ? `${options.file}: ${message}` : message, { cause: options.cause });
    this.name = 'MergeError';
    this.code = code;
    this.file = options.file;
  }
}

export function isMergeError(err: unknown): err is MergeError {
  return err instanceof MergeError;
}
