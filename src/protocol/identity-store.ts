// The player identity on disk: <dataDir>/identity.pem (Ed25519 PKCS#8), made once per install,
// written atomically (temp, fsync, rename) with mode 0600. A corrupt file is an error, never
// silently replaced (that would change who the player is).
import { mkdirSync, readFileSync } from 'node:fs';
import { writeFileAtomicSync } from '../util/atomic-file.js';
import { join } from 'node:path';
import { generateIdentity, exportPrivatePem, importPrivatePem, type IdentityKeys } from './identity.js';

export const IDENTITY_FILE = 'identity.pem';

export function loadOrCreateIdentity(dataDir: string): { keys: IdentityKeys; created: boolean } {
  const path = join(dataDir, IDENTITY_FILE);
  let pem: string | null = null;
  try {
    pem = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  if (pem !== null) {
    try {
      return { keys: importPrivatePem(pem), created: false };
    } catch (err) {
      throw new Error(`identity file ${path} is not an Ed25519 key (${(err as Error).message}); move it away to make a new identity`);
    }
  }
  const keys = generateIdentity();
  mkdirSync(dataDir, { recursive: true });
  writeFileAtomicSync(path, exportPrivatePem(keys), 0o600);
  return { keys, created: true };
}
