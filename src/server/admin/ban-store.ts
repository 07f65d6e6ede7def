// Bans bound to a player's persistent identity (the fingerprint of the key the client proves at
// the handshake), kept in <data-dir>/bans.json and replaced atomically on every change.
//
// Loading decisions: a missing file is an empty list (first start); a file that exists but is
// unreadable, not JSON, the wrong shape or the wrong version is an AdminError and the server
// refuses to start: silently starting with no bans would unban everyone. Leftover temp files
// from a crash mid-write are removed (the target itself is always whole).
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { sweepTempFiles, writeFileAtomic } from '../../util/atomic-file.js';
import { readVersionedJsonFile } from '../../util/json-file.js';
import { AdminError } from './errors.js';
import {
  ADMIN_BANS_FILE,
  ADMIN_BANS_FILE_MODE,
  ADMIN_BANS_MAX_BYTES,
  ADMIN_BANS_VERSION,
  ADMIN_IDENTITY_PATTERN,
  ADMIN_REASON_MAX_CHARS,
} from './constants.js';

export interface BanEntry {
  /** Persistent identity (key fingerprint) — what the ban binds to. */
  readonly identity: string;
  /** Display name when banned (informational). */
  readonly name: string;
  readonly reason: string;
  /** Wall-clock time of the ban, ms since the epoch. */
  readonly bannedAtMs: number;
  /** Who banned: "console", "dashboard" or "admin:<identity>". */
  readonly by: string;
  /** Peer id the player had when banned (lets `unban <peerId>` find it); null when unknown. */
  readonly peerId: number | null;
  /** Wall-clock end of a timed ban, ms since the epoch; null = permanent. */
  readonly untilMs: number | null;
}

export interface NewBan {
  readonly identity: string;
  readonly name: string;
  readonly reason: string;
  readonly by: string;
  readonly peerId: number | null;
  /** Seconds the ban lasts; 0 or absent = permanent. */
  readonly secs?: number;
}

const BanEntrySchema = z.object({
  identity: z.string().regex(ADMIN_IDENTITY_PATTERN),
  name: z.string().max(200),
  reason: z.string().max(ADMIN_REASON_MAX_CHARS),
  bannedAtMs: z.number().int().nonnegative(),
  by: z.string().max(200),
  peerId: z.number().int().nonnegative().nullable(),
  untilMs: z.number().int().nonnegative().nullable().default(null),
});
const BanFileSchema = z.object({
  version: z.literal(ADMIN_BANS_VERSION),
  bans: z.array(BanEntrySchema),
});

export interface BanStoreOptions {
  readonly dataDir: string;
  /** Wall clock for bannedAtMs; injected in tests. */
  readonly now?: () => number;
}

export class BanStore {
  readonly path: string;
  #bans = new Map<string, BanEntry>();
  #queue: Promise<unknown> = Promise.resolve();
  #now: () => number;

  private constructor(path: string, now: () => number) {
    this.path = path;
    this.#now = now;
  }

  /** Opens (and creates the folder of) the ban list. Throws AdminError on a bad file. */
  static async open(opts: BanStoreOptions): Promise<BanStore> {
    await mkdir(opts.dataDir, { recursive: true });
    const store = new BanStore(join(opts.dataDir, ADMIN_BANS_FILE), opts.now ?? Date.now);
    for (const entry of readBanFile(store.path)) store.#bans.set(entry.identity, entry);
    await sweepTempFiles(store.path);
    return store;
  }

  /** The ban in force for this identity (a timed ban that ran out is no ban). */
  isBanned(identity: string): BanEntry | undefined {
    const b = this.#bans.get(identity);
    return b && this.#active(b) ? b : undefined;
  }

  /** Bans in force. */
  list(): readonly BanEntry[] {
    return [...this.#bans.values()].filter((b) => this.#active(b));
  }

  get size(): number {
    return this.list().length;
  }

  #active(b: BanEntry): boolean {
    return b.untilMs === null || b.untilMs > this.#now();
  }

  /** Most recent ban of a player who had this peer id. */
  findByPeerId(peerId: number): BanEntry | undefined {
    let found: BanEntry | undefined;
    for (const b of this.list()) if (b.peerId === peerId && (!found || b.bannedAtMs >= found.bannedAtMs)) found = b;
    return found;
  }

  /** Adds a ban and writes the file. Resolves false when the identity was already banned. */
  ban(entry: NewBan): Promise<boolean> {
    if (!ADMIN_IDENTITY_PATTERN.test(entry.identity)) throw new TypeError(`not an identity: ${entry.identity}`);
    const secs = entry.secs ?? 0;
    if (!Number.isInteger(secs) || secs < 0) throw new RangeError(`ban seconds must be a whole number >= 0, got ${secs}`);
    return this.#serial(async () => {
      if (this.isBanned(entry.identity)) return false;
      const now = this.#now();
      const full: BanEntry = {
        identity: entry.identity,
        name: entry.name.slice(0, 200),
        reason: entry.reason.slice(0, ADMIN_REASON_MAX_CHARS),
        bannedAtMs: now,
        by: entry.by.slice(0, 200),
        peerId: entry.peerId,
        untilMs: secs > 0 ? now + secs * 1000 : null,
      };
      const next = new Map([...this.#bans].filter(([, b]) => this.#active(b))).set(full.identity, full);
      await this.#write(next);
      this.#bans = next;
      return true;
    });
  }

  /** Removes a ban and writes the file. Resolves the removed entry, or undefined if none. */
  unban(identity: string): Promise<BanEntry | undefined> {
    return this.#serial(async () => {
      const old = this.isBanned(identity);
      if (!old) return undefined;
      const next = new Map(this.#bans);
      next.delete(identity);
      await this.#write(next);
      this.#bans = next;
      return old;
    });
  }

  /** Resolves once every queued write is on disk. */
  flush(): Promise<void> {
    return this.#queue.then(
      () => undefined,
      () => undefined,
    );
  }

  #serial<T>(op: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(op, op);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #write(bans: Map<string, BanEntry>): Promise<void> {
    const body = JSON.stringify({ version: ADMIN_BANS_VERSION, bans: [...bans.values()] }, null, 2) + '\n';
    try {
      await writeFileAtomic(this.path, body, ADMIN_BANS_FILE_MODE);
    } catch (err) {
      throw new AdminError('BANS_WRITE', `could not write ${this.path}: ${(err as Error).message}`, { cause: err });
    }
  }
}

/** Reads the ban list (startup only: a small file, read before the server takes players). */
function readBanFile(path: string): BanEntry[] {
  const r = readVersionedJsonFile(path, BanFileSchema, { maxBytes: ADMIN_BANS_MAX_BYTES, version: { key: 'version', expected: ADMIN_BANS_VERSION } });
  if (r.ok) return r.value.bans;
  const refuse = 'fix or move it away, refusing to start with no bans';
  switch (r.kind) {
    case 'missing':
      return [];
    case 'too_large':
      throw new AdminError('BANS_TOO_LARGE', `${path} is ${r.bytes} bytes, over the ${r.maxBytes}-byte limit; refusing to start`);
    case 'unreadable':
      throw new AdminError('BANS_UNREADABLE', `cannot read ${path}: ${r.reason}`, { cause: r.cause });
    case 'not_json':
      throw new AdminError('BANS_CORRUPT', `${path} is not valid JSON (${r.reason}); ${refuse}`, { cause: r.cause });
    case 'version':
      throw new AdminError('BANS_VERSION', `${path} has version ${String(r.found)}, this server reads version ${r.expected}`);
    case 'schema':
      throw new AdminError('BANS_CORRUPT', `${path} is not a ban list (${r.reason}); ${refuse}`);
  }
}
