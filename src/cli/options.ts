// Readers for option values every program shares: whole numbers in a range, ports, HOST:PORT,
// ids, log levels, IP addresses, URLs, choices, short texts and files that must exist. Each
// takes the raw string (undefined when the option was not given) and the flag's name, and
// either returns the value or throws a UsageError that names the flag and quotes the input.
import { statSync } from 'node:fs';
import { isIP } from 'node:net';
import { UsageError } from './command.js';

export const PORT_MIN = 0;
export const PORT_MAX = 65_535;
/** Ids (session ids, bridge names, lobby ids) are path- and URL-safe by construction. */
export const ID_MAX_CHARS = 64;
const ID_PATTERN = /^[A-Za-z0-9_-]+$/;
/** Longest input quoted back in an error line (a pasted file must not flood the terminal). */
export const QUOTE_MAX_CHARS = 70;
/** pino's level names, in order of verbosity. */
export const LOG_LEVELS = ['silent', 'fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** The input as it appears in an error line: JSON-quoted, cut short. */
export function quote(value: string): string {
  return JSON.stringify(value.length > QUOTE_MAX_CHARS ? `${value.slice(0, QUOTE_MAX_CHARS)}…` : value);
}

function bad(flag: string, want: string, value: string): UsageError {
  return new UsageError(`${flag} must be ${want}, got ${quote(value)}`);
}

export interface IntRange {
  readonly min: number;
  readonly max: number;
}

/** A whole number written in decimal digits, min..max inclusive. */
export function readInt(value: string | undefined, flag: string, range: IntRange): number | undefined {
  if (value === undefined) return undefined;
  // Digits only: Number() would also take '', '0x10', '1e3' and ' 7'.
  if (!/^\d{1,15}$/.test(value) || Number(value) < range.min || Number(value) > range.max) {
    throw bad(flag, `a whole number ${range.min}..${range.max}`, value);
  }
  return Number(value);
}

/** A UDP or TCP port; 0 means "any free port" where the program binds. */
export function readPort(value: string | undefined, flag: string, min = PORT_MIN): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{1,5}$/.test(value) || Number(value) < min || Number(value) > PORT_MAX) {
    throw bad(flag, `a port number ${min}..${PORT_MAX}`, value);
  }
  return Number(value);
}

export interface HostPort {
  readonly host: string;
  readonly port: number;
}

/** HOST:PORT (a name or IPv4 address, port 1..65535: something to send to, so never 0), else undefined. */
export function parseHostPort(value: string): HostPort | undefined {
  const m = /^([^\s:]+):(\d{1,5})$/.exec(value);
  if (!m || Number(m[2]) < 1 || Number(m[2]) > PORT_MAX) return undefined;
  return { host: m[1], port: Number(m[2]) };
}

/** HOST:PORT as parseHostPort reads it; anything else is a usage error. */
export function readHostPort(value: string | undefined, flag: string): HostPort | undefined {
  if (value === undefined) return undefined;
  const hp = parseHostPort(value);
  if (!hp) throw bad(flag, 'HOST:PORT', value);
  return hp;
}

/** An id of A-Z a-z 0-9 _ -; `what` says which kind (e.g. "a bridge name"). */
export function readId(value: string | undefined, flag: string, what = 'an id'): string | undefined {
  if (value === undefined) return undefined;
  if (value.length > ID_MAX_CHARS || !ID_PATTERN.test(value)) throw bad(flag, `${what} (1..${ID_MAX_CHARS} of A-Z a-z 0-9 _ -)`, value);
  return value;
}

export function readLogLevel(value: string | undefined, flag = '--log-level'): LogLevel | undefined {
  if (value === undefined) return undefined;
  if (!(LOG_LEVELS as readonly string[]).includes(value)) throw bad(flag, LOG_LEVELS.join('|'), value);
  return value as LogLevel;
}

export function readChoice<T extends string>(value: string | undefined, flag: string, choices: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if (!(choices as readonly string[]).includes(value)) throw bad(flag, choices.join(' or '), value);
  return value as T;
}

/** An IP address (4 or 6 unless `version` says), or `localhost` when allowed. */
export function readIp(value: string | undefined, flag: string, opts: { version?: 4; localhost?: boolean } = {}): string | undefined {
  if (value === undefined) return undefined;
  if (opts.localhost && value === 'localhost') return value;
  const v = isIP(value);
  if (opts.version === 4 ? v !== 4 : v === 0) {
    throw bad(flag, opts.version === 4 ? 'an IPv4 address' : `an IP address${opts.localhost ? ' or localhost' : ''}`, value);
  }
  return value;
}

/** An http(s)://host[:port] base URL, returned without its trailing slash. */
export function readBaseUrl(value: string | undefined, flag: string): string | undefined {
  if (value === undefined) return undefined;
  if (!/^https?:\/\/[^/\s]+\/?$/.test(value)) throw bad(flag, 'http(s)://host:port', value);
  return value.replace(/\/$/, '');
}

/** Free text shown to people (names): not blank, at most maxChars characters. */
export function readText(value: string | undefined, flag: string, maxChars: number): string | undefined {
  if (value === undefined) return undefined;
  if (value.trim() === '' || [...value].length > maxChars) throw bad(flag, `1..${maxChars} characters`, value);
  return value;
}

/** A path that must not be empty (a file or folder the program will create or write). */
export function readPath(value: string | undefined, flag: string): string | undefined {
  if (value === undefined) return undefined;
  if (value === '') throw new UsageError(`${flag} must not be empty`);
  return value;
}

/** A file that must exist now and not be a folder (pipes such as <(pass show x) count). */
export function readExistingFile(value: string | undefined, flag: string): string | undefined {
  if (readPath(value, flag) === undefined) return undefined;
  const path = value as string;
  let isDir: boolean;
  try {
    isDir = statSync(path).isDirectory();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(code === 'ENOENT' ? `${flag} ${quote(path)}: no such file` : `cannot read ${flag} ${quote(path)} (${code ?? 'error'})`);
  }
  if (isDir) throw new UsageError(`${flag} ${quote(path)} is a folder, not a file`);
  return path;
}
