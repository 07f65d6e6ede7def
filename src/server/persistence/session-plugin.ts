// The session-save plugin: collects each player's progress (PlayerProgress: the game's .dat
// export, forwarded by their sidecar) into a SessionRecord filed under the player's persistent
// identity, and runs SaveSessionState: the session file at start, every autosave period and
// when the server stops. Shutdown by signal or uncaught error: installShutdownSave (main.ts).
import { decodeDat, isMergeError, SessionRecord } from '../../merge/index.js';
import type { EMsg, EMsgKind } from '../../protocol/schema.gen.js';
import type { Connection } from '../connection.js';
import type { ServerPlugin } from '../plugin.js';
import type { CoopServer } from '../server.js';
import { SessionSaver } from './session-saver.js';

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
}

export function sessionSavePlugin(server: CoopServer, opts: SessionPluginOptions): SessionPlugin {
  const now = opts.now ?? (() => new Date());
  const record = new SessionRecord({ sessionId: server.sessionId, startedAt: now() });
  const saver = new SessionSaver({
    dataDir: opts.dataDir,
    sessionId: server.sessionId,
    autosaveMs: opts.autosaveMs,
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
