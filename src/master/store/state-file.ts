// The embedded store's persistence: a snapshot (written atomically, whole) plus an append-only
// journal of changes since it. A change costs one short appended line whatever the lobby's
// size; the snapshot is rewritten only once the journal outgrows it (MASTER_STATE_COMPACT_RATIO),
// so the rewrite's cost per change stays constant too. Before this, every announce and every
// second of heartbeats rewrote the whole lobby (2.4 MB, ~30 ms at 10,000 sessions).
//
// Crash safety: the snapshot and the journal carry a generation; a journal is replayed only
// over the snapshot of its own generation, so a crash between writing a new snapshot and
// starting its journal never replays stale changes. A torn last line is skipped (counted).
import { closeSync, existsSync, fdatasyncSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import { z } from 'zod';
import { writeFileAtomicSync } from '../../util/atomic-file.js';
import {
  MASTER_STATE_COMPACT_MIN_BYTES,
  MASTER_STATE_COMPACT_RATIO,
  MASTER_STATE_FILE_MODE,
  MASTER_STATE_MAX_BYTES,
  MASTER_STATE_VERSION,
} from '../constants.js';
import { AnnounceBody } from '../../protocol/master-wire.js';
import type { SessionRecord } from './types.js';

const PersistedSession = AnnounceBody.extend({
  sessionId: z.string().min(4).max(64),
  tokenHash: z.string().length(64),
  ip: z.string().max(64),
  lastSeenMs: z.number(),
});
// v1: the whole lobby rewritten on every change (read for upgrades); v2: snapshot + journal.
const Snapshot = z.union([
  z.object({ v: z.literal(1), sessions: z.array(PersistedSession) }),
  z.object({ v: z.literal(MASTER_STATE_VERSION), gen: z.number().int().min(0), sessions: z.array(PersistedSession) }),
]);
const JournalHead = z.object({ gen: z.number().int().min(0) });
const JournalRecord = z.union([
  z.object({ a: PersistedSession }),
  z.object({ b: z.tuple([z.string(), z.number(), z.number().int().min(0)]) }),
  z.object({ d: z.string() }),
]);
/** One change: a session added, a heartbeat (id, last seen, players), a session deleted. */
export type JournalRecord = z.infer<typeof JournalRecord>;

export interface LoadedState {
  sessions: Map<string, SessionRecord>;
  /** Journal lines that could not be read (a torn last write). */
  skippedLines: number;
}

export class StateFile {
  readonly #path: string;
  readonly #journalPath: string;
  #gen = 0;
  #fd = -1;
  #journalBytes = 0;
  #snapshotBytes = 0;
  #pending: string[] = [];

  constructor(path: string) {
    this.#path = path;
    this.#journalPath = `${path}.journal`;
  }

  /** Reads snapshot + journal; throws with the path when the snapshot is not a lobby file. */
  load(): LoadedState {
    const sessions = new Map<string, SessionRecord>();
    let skippedLines = 0;
    if (!existsSync(this.#path)) return { sessions, skippedLines };
    for (const p of [this.#path, this.#journalPath]) {
      if (existsSync(p) && statSync(p).size > MASTER_STATE_MAX_BYTES)
        throw new Error(`master state file ${p} is over ${MASTER_STATE_MAX_BYTES} bytes; is it the right file?`);
    }
    const snap = Snapshot.safeParse(JSON.parse(readFileSync(this.#path, 'utf8')) as unknown);
    if (!snap.success) throw new Error(`master state file ${this.#path} is not a lobby file`);
    for (const s of snap.data.sessions) sessions.set(s.sessionId, { ...s });
    this.#gen = snap.data.v === MASTER_STATE_VERSION ? snap.data.gen : 0;
    if (snap.data.v !== MASTER_STATE_VERSION || !existsSync(this.#journalPath)) return { sessions, skippedLines };
    const lines = readFileSync(this.#journalPath, 'utf8')
      .split('\n')
      .filter((l) => l.length > 0);
    const head = JournalHead.safeParse(parseJson(lines[0]));
    if (!head.success || head.data.gen !== this.#gen) return { sessions, skippedLines };
    for (const line of lines.slice(1)) {
      const r = JournalRecord.safeParse(parseJson(line));
      if (!r.success) {
        skippedLines++;
        continue;
      }
      applyRecord(sessions, r.data);
    }
    return { sessions, skippedLines };
  }

  /** Writes a fresh snapshot of `sessions` and starts its (empty) journal. */
  compact(sessions: Iterable<SessionRecord>): void {
    this.#closeJournal();
    this.#pending = [];
    const gen = this.#gen + 1;
    const text = JSON.stringify({ v: MASTER_STATE_VERSION, gen, sessions: [...sessions] });
    writeFileAtomicSync(this.#path, text, MASTER_STATE_FILE_MODE);
    // The new snapshot holds everything: the journal of the old generation is now ignored.
    writeFileAtomicSync(this.#journalPath, `${JSON.stringify({ gen })}\n`, MASTER_STATE_FILE_MODE);
    this.#gen = gen;
    this.#snapshotBytes = Buffer.byteLength(text);
    this.#fd = openSync(this.#journalPath, 'a', MASTER_STATE_FILE_MODE);
    this.#journalBytes = statSync(this.#journalPath).size;
  }

  /** Queues one change; `now` writes it at once (announce, remove), else at the next flush. */
  record(r: JournalRecord, now = false): void {
    this.#pending.push(`${JSON.stringify(r)}\n`);
    if (now) this.flush(false);
  }

  /** Appends queued changes (fdatasync when `sync`); true when a compaction is due. */
  flush(sync = true): boolean {
    if (this.#fd < 0) return false;
    if (this.#pending.length > 0) {
      const buf = Buffer.from(this.#pending.join(''), 'utf8');
      this.#pending = [];
      let off = 0;
      while (off < buf.length) off += writeSync(this.#fd, buf, off, buf.length - off);
      this.#journalBytes += buf.length;
      if (sync) fdatasyncSync(this.#fd);
    }
    return this.#journalBytes > Math.max(MASTER_STATE_COMPACT_MIN_BYTES, this.#snapshotBytes * MASTER_STATE_COMPACT_RATIO);
  }

  /** Bytes the journal holds now (for the benchmark and tests). */
  get journalBytes(): number {
    return this.#journalBytes;
  }

  close(): void {
    this.flush();
    this.#closeJournal();
  }

  #closeJournal(): void {
    if (this.#fd >= 0) closeSync(this.#fd);
    this.#fd = -1;
  }
}

function parseJson(line: string | undefined): unknown {
  try {
    return line === undefined ? undefined : (JSON.parse(line) as unknown);
  } catch {
    return undefined;
  }
}

export function applyRecord(sessions: Map<string, SessionRecord>, r: JournalRecord): void {
  if ('a' in r) sessions.set(r.a.sessionId, { ...r.a });
  else if ('d' in r) sessions.delete(r.d);
  else {
    const s = sessions.get(r.b[0]);
    if (s) {
      s.lastSeenMs = r.b[1];
      s.players = Math.min(r.b[2], s.maxPlayers);
    }
  }
}
