// Resume: a server started on an existing session file carries that session on. The file is
// read and checked before anything is written; a file the server cannot carry on (another
// session's, a format this build does not read, unreadable) is refused with a clear error and
// never overwritten: the operator decides, nothing recorded is lost to a restart.
import { existsSync, linkSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { MERGE_SCHEMA_VERSION, isMergeError, readSessionFile, type SessionFile } from '../../merge/index.js';
import { tempPathFor, writeFileAtomicSync } from '../../util/atomic-file.js';

/** The previous good session file, kept beside it: `<sessionId>.json.bak`. */
export const SESSION_BACKUP_SUFFIX = '.bak';

export type SessionFileRefusalCode = 'OTHER_SESSION' | 'NEWER_FORMAT' | 'OLDER_FORMAT' | 'UNREADABLE';

export class SessionFileRefused extends Error {
  readonly code: SessionFileRefusalCode;
  readonly file: string;

  constructor(code: SessionFileRefusalCode, file: string, message: string, cause?: unknown) {
    super(`${file}: ${message}; the file was left as it is (move it away to start a new session)`, { cause });
    this.name = 'SessionFileRefused';
    this.code = code;
    this.file = file;
  }
}

export function sessionBackupPath(sessionFile: string): string {
  return `${sessionFile}${SESSION_BACKUP_SUFFIX}`;
}

/** The session file to resume, or undefined when there is none yet. Throws SessionFileRefused. */
export function loadSessionToResume(file: string, sessionId: string): SessionFile | undefined {
  if (!existsSync(file)) return undefined;
  let session: SessionFile;
  try {
    session = readSessionFile(file);
  } catch (err) {
    if (!isMergeError(err)) throw err;
    if (err.code === 'SCHEMA_VERSION') {
      const v = versionOf(file);
      if (typeof v === 'number' && v > MERGE_SCHEMA_VERSION) {
        throw new SessionFileRefused('NEWER_FORMAT', file, `written by a newer coop-server (format ${v}; this build reads ${MERGE_SCHEMA_VERSION})`, err);
      }
      throw new SessionFileRefused('OLDER_FORMAT', file, `format ${JSON.stringify(v)} is not one this build reads (${MERGE_SCHEMA_VERSION})`, err);
    }
    throw new SessionFileRefused('UNREADABLE', file, `cannot resume: ${err.message}`, err);
  }
  if (session.sessionId !== sessionId) {
    throw new SessionFileRefused('OTHER_SESSION', file, `holds session ${session.sessionId}, not ${sessionId}`);
  }
  return session;
}

function versionOf(file: string): unknown {
  try {
    return (JSON.parse(readFileSync(file, 'utf8')) as { schemaVersion?: unknown }).schemaVersion;
  } catch {
    return undefined;
  }
}

/**
 * Makes the session file on disk (known good: resumed or written by us) the backup, before the
 * next save replaces it. A hard link costs no copy; where links are refused (some file systems),
 * the bytes are copied atomically instead.
 */
export function backUpSessionFile(file: string): void {
  const backup = sessionBackupPath(file);
  const tmp = tempPathFor(backup);
  try {
    linkSync(file, tmp);
    renameSync(tmp, backup);
  } catch {
    rmSync(tmp, { force: true });
    writeFileAtomicSync(backup, readFileSync(file));
  }
}
