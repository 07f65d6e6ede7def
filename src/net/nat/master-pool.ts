// The masters a host or joiner may use (`--master URL[,URL…]`), in order: the current one until
// it fails, then the next (wrapping). With several coop-master instances on one Redis any of
// them serves the same lobby, so moving costs a player nothing but a handshake in flight.
import { NAT_MAX_MASTERS } from './constants.js';

const MASTER_URL = /^https?:\/\/[^/\s,]+\/?$/;

/** Splits and checks a `--master` value; a one-line complaint when it is bad. */
export function parseMasterList(value: string): string[] | { error: string } {
  const urls = value.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  if (urls.length === 0) return { error: '--master needs at least one http(s)://host:port' };
  if (urls.length > NAT_MAX_MASTERS) return { error: `--master takes at most ${NAT_MAX_MASTERS} URLs, got ${urls.length}` };
  for (const u of urls) if (!MASTER_URL.test(u)) return { error: `--master must be http(s)://host:port[,…], got ${JSON.stringify(u)}` };
  return [...new Set(urls.map((u) => u.replace(/\/$/, '')))];
}

export class MasterPool {
  readonly urls: readonly string[];
  #i = 0;

  constructor(urls: string | readonly string[]) {
    this.urls = typeof urls === 'string' ? [urls] : [...urls];
    if (this.urls.length === 0) throw new TypeError('MasterPool needs at least one master URL');
  }

  get current(): string {
    return this.urls[this.#i];
  }

  /** Moves to the next master and returns it. */
  advance(): string {
    this.#i = (this.#i + 1) % this.urls.length;
    return this.current;
  }
}
