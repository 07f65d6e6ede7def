// The session-save plugin: collects each player's progress (PlayerProgress: the game's .dat
// export, forwarded by their sidecar) into a SessionRecord filed under the player's persistent
// identity, and runs SaveSessionState: the session file at start, every autosave period and
// when the server stops. Shutdown by signal or uncaught error: installShutdownSave (main.ts).
// An existing file of this session is resumed before the first save (session-resume.ts), so a
// restart never writes an empty party over the session; a file it cannot resume stops the start.
import { decodeDat, isMergeError, SessionRecord } from '../../merge/index.js';
import type { EMsg, EMsgKind } from '../../protocol/schema.gen.js';
import type { Connection } from '../connection.js';
import type { ServerPlugin } from '../plugin.js';
import type { CoopServer } from '../server.js';
import { SessionSaver, sessionSavePath } from './session-saver.js';
import { loadSessionToResume } from './session-resume.js';

export const SESSION_PLUGIN_NAME = 'session-save';

export interface SessionPluginOptions {
  dataDir: string;
  autosaveMs: number;
  /** Wall clock for savedAt / joinedAt (injected in tests). */
  now?: () => Date;
}

export interface SessionPlugin extends ServerPlugin {
  readonly record: SessionRecord;
  readonly saver: SessionSaver;
  /** Progress reports accepted / refused (bad .dat or model) so far. */
  readonly counts: { accepted: number; refused: number };
  /** Players the resumed session file listed (undefined: no file, a new session). */
  readonly resumedPlayers: number | undefined;
}

export function sessionSavePlugin(server: CoopServer, opts: SessionPluginOptions): SessionPlugin {
  const now = opts.now ?? (() => new Date());
  // Throws SessionFileRefused (another session's file, a newer format, unreadable): never overwritten.
  const resumed = loadSessionToResume(sessionSavePath(opts.dataDir, server.sessionId), server.sessionId);
  const record = new SessionRecord({ sessionId: server.sessionId, startedAt: now(), resume: resumed });
  if (resumed) server.log.info({ event: 'session.resumed', players: resumed.party.length, seq: resumed.seq }, 'session resumed from its file');
  const saver = new SessionSaver({
    dataDir: opts.dataDir,
    sessionId: server.sessionId,
    autosaveMs: opts.autosaveMs,
    existingFileGood: resumed !== undefined,
    now,
    snapshot: (reason, at) => record.snapshot(reason, at),
    onSaved: ({ path, reason, seq }) => server.log.info({ event: 'session.saved', path, reason, seq }, 'session saved'),
    onError: (err, reason) => server.log.warn({ event: 'session.save_failed', reason, error: err.message }, 'session save failed'),
  });
  const counts = { accepted: 0, refused: 0 };
  saver.start();

  function onProgress(conn: Connection, msg: EMsg): void {
    const bytes = msg.playerProgress?.dat ?? new Uint8Array(0);
    try {
      record.report(conn.identity, decodeDat(bytes), now());
      counts.accepted++;
    } catch (err) {
      if (!isMergeError(err)) throw err;
      counts.refused++;
      server.log.warn({ event: 'session.bad_progress', peerId: conn.peerId, code: err.code, error: err.message }, 'progress report refused');
      server.drop(conn, 'bad_progress');
    }
  }

  return {
    name: SESSION_PLUGIN_NAME,
    record,
    saver,
    counts,
    resumedPlayers: resumed?.party.length,
    message(conn: Connection, kind: EMsgKind, msg: EMsg): boolean {
      if (kind !== 'playerProgress') return false;
      onProgress(conn, msg);
      return true;
    },
    stop(): void {
      saver.finish('shutdown');
    },
  };
}
