// SaveSessionState(sessionId): the session file `<dataDir>/SavedGames/Coop/<sessionId>.json`,
// written atomically (temp, fsync, rename) on every autosave tick and at shutdown (normal exit,
// SIGINT, SIGTERM, an uncaught error). Saving is synchronous so that it also works from an
// `exit` or `uncaughtException` handler. The file format is src/merge's SessionFileSchema.
// Before each save the good file on disk becomes `<sessionId>.json.bak` (session-resume.ts).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { backUpSessionFile } from './session-resume.js';
import { SESSION_SAVE_SUBDIR, type SaveReason, type SessionFile } from '../../merge/index.js';
import { sweepTempFilesSync, writeFileAtomicSync } from '../../util/atomic-file.js';
import type { IntervalTimers } from '../../util/clock.js';

/** Default autosave period (the server's --autosave-s). */
export const AUTOSAVE_DEFAULT_S = 30;
export const AUTOSAVE_MAX_S = 24 * 60 * 60;
export const MS_PER_S = 1000;

export interface SessionSaverOptions {
  dataDir: string;
  sessionId: string;
  /** Builds the session file for this save (SessionRecord.snapshot). */
  snapshot: (reason: SaveReason, now: Date) => SessionFile;
  /** 0 turns autosave off. */
  autosaveMs: number;
  now?: () => Date;
  /** Default: Node's, unref'd (autosave never keeps the process alive). */
  timers?: IntervalTimers;
  /** Told about every save and every failed save (a failed save never throws from a timer). */
  onSaved?: (info: { path: string; reason: SaveReason; seq: number }) => void;
  onError?: (err: Error, reason: SaveReason) => void;
  /** The file already on disk is good (the server resumed it): back it up before the first save. */
  existingFileGood?: boolean;
}

export function sessionSavePath(dataDir: string, sessionId: string): string {
  return join(dataDir, ...SESSION_SAVE_SUBDIR, `${sessionId}.json`);
}

export class SessionSaver {
  readonly path: string;
  #opts: SessionSaverOptions;
  #timer: unknown = undefined;
  #now: () => Date;
  #timers: IntervalTimers;
  #finished = false;
  /** Whether the file at `path` is one we know is good (resumed, or written by us). */
  #onDiskGood: boolean;

  constructor(opts: SessionSaverOptions) {
    this.#opts = opts;
    this.#onDiskGood = opts.existingFileGood ?? false;
    this.path = sessionSavePath(opts.dataDir, opts.sessionId);
    this.#now = opts.now ?? (() => new Date());
    this.#timers = opts.timers ?? { setInterval: (fn, ms) => setInterval(fn, ms).unref(), clearInterval: (h) => clearInterval(h as NodeJS.Timeout) };
    const dir = join(opts.dataDir, ...SESSION_SAVE_SUBDIR);
    mkdirSync(dir, { recursive: true });
    sweepTempFilesSync(this.path); // a kill mid-write can leave one behind
  }

  /** Writes the session file now. Throws on a write error (the caller decides what to do). */
  save(reason: SaveReason): SessionFile {
    const file = this.#opts.snapshot(reason, this.#now());
    if (this.#onDiskGood) {
      try {
        backUpSessionFile(this.path);
      } catch (err) {
        this.#opts.onError?.(err as Error, reason); // the save itself still goes ahead
      }
    }
    writeFileAtomicSync(this.path, JSON.stringify(file, null, 2) + '\n');
    this.#onDiskGood = true;
    this.#opts.onSaved?.({ path: this.path, reason, seq: file.seq });
    return file;
  }

  /** Saves, reporting a failure to onError instead of throwing. */
  trySave(reason: SaveReason): boolean {
    try {
      this.save(reason);
      return true;
    } catch (err) {
      this.#opts.onError?.(err as Error, reason);
      return false;
    }
  }

  /** Saves once now (so a file exists from the start), then every autosave period. */
  start(): void {
    this.trySave('autosave');
    if (this.#opts.autosaveMs > 0 && this.#timer === undefined) {
      this.#timer = this.#timers.setInterval(() => this.trySave('autosave'), this.#opts.autosaveMs);
    }
  }

  stop(): void {
    if (this.#timer !== undefined) this.#timers.clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /**
   * The final save (shutdown, a signal, an uncaught error): stops autosave and saves once; later
   * calls do nothing, so the first reason (e.g. SIGINT) is the one the file keeps.
   */
  finish(reason: SaveReason): boolean {
    if (this.#finished) return false;
    this.#finished = true;
    this.stop();
    return this.trySave(reason);
  }
}
