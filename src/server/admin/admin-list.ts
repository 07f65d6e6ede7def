// Who may send remote AdminCmd: the session host and the identities listed as admins
// (`--admins <file>`: one identity a line, `#` starts a comment; `--admin <identity>` repeats).
import { readFile } from 'node:fs/promises';
import { AdminError } from './errors.js';
import { ADMIN_IDENTITY_PATTERN } from './constants.js';

export class AdminList {
  readonly #identities: Set<string>;
  readonly hostIdentity: string | undefined;

  constructor(identities: Iterable<string> = [], hostIdentity?: string) {
    this.#identities = new Set(identities);
    this.hostIdentity = hostIdentity;
  }

  /** True for the host (by identity or as flagged by the server) and for listed admins. */
  isAuthorised(identity: string, isHost = false): boolean {
    return isHost || identity === this.hostIdentity || this.#identities.has(identity);
  }

  get size(): number {
    return this.#identities.size;
  }
}

/** Parses an admins file; any line that is not an identity is an error naming the line. */
export function parseAdminsText(text: string, source = 'admins file'): string[] {
  const out: string[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].replace(/#.*$/, '').trim();
    if (line === '') continue;
    if (!ADMIN_IDENTITY_PATTERN.test(line)) {
      throw new AdminError('ADMINS_BAD_LINE', `${source}:${i + 1}: not an identity: ${JSON.stringify(line.slice(0, 40))}`);
    }
    out.push(line);
  }
  return out;
}

export async function loadAdminsFile(path: string): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new AdminError('ADMINS_UNREADABLE', `cannot read admins file ${path}: ${(err as Error).message}`, { cause: err });
  }
  return parseAdminsText(text, path);
}
