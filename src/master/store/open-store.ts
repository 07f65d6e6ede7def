// `--store` → a store: absent or `embedded` is the one-process store (with `--state` its file);
// `redis://HOST:PORT[/DB]` is Redis, shared with every other instance given the same URL.
import { MemoryStore } from './memory-store.js';
import { RedisStore } from './redis-store.js';
import type { MasterStore } from './types.js';

export interface OpenStoreOptions {
  /** `embedded` (default) or a redis:// URL. */
  store?: string;
  statePath?: string;
  now: () => number;
  log?: { info(o: object, m: string): void; warn(o: object, m: string): void };
}

/** A one-line complaint about a bad `--store`, or undefined when it is fine. */
export function checkStoreOption(store: string | undefined, statePath: string | undefined): string | undefined {
  if (store === undefined || store === 'embedded') return undefined;
  if (!/^rediss?:\/\/[^/\s]+(\/\d{1,2})?$/.test(store)) return `--store must be 'embedded' or redis://HOST:PORT[/DB], got ${JSON.stringify(store)}`;
  if (statePath !== undefined) return '--state is for the embedded store; with Redis the lobby lives in Redis';
  return undefined;
}

export function openStore(o: OpenStoreOptions): MasterStore {
  const bad = checkStoreOption(o.store, o.statePath);
  if (bad) throw new TypeError(bad);
  if (o.store === undefined || o.store === 'embedded') return new MemoryStore({ now: o.now, statePath: o.statePath });
  return new RedisStore({ url: o.store, now: o.now, log: o.log });
}
