// Makes the project's wine prefix on demand: idempotent (a marker file says it is ready) and
// locked (two test files or builds starting at once: one creates, the others wait). A fresh
// prefix reports Windows 7, where node.exe 20 refuses to start, so it is set to Windows 10.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { WINE_PREFIX_DIR, wineEnv } from './paths.mjs';

/** Written last, once the prefix is made and reports Windows 10. */
const READY_MARKER = join(WINE_PREFIX_DIR, 'coop-bridge-ready');
const LOCK_DIR = `${WINE_PREFIX_DIR}.lock`;
/** A lock older than this belongs to a creator that died (creation takes ≈ 10 s). */
const LOCK_STALE_MS = 5 * 60_000;
const LOCK_POLL_MS = 200;
/** Longest a wine setup command may take before we call it hung. */
const WINE_STEP_TIMEOUT_MS = 180_000;
const WINDOWS_VERSION = 'win10';

const nap = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

function pidAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

function lockIsStale() {
  try {
    const owner = Number(readFileSync(join(LOCK_DIR, 'pid'), 'utf8'));
    if (owner && !pidAlive(owner)) return true;
    return Date.now() - statSync(LOCK_DIR).mtimeMs > LOCK_STALE_MS;
  } catch {
    return false; // being created or removed right now: look again
  }
}

function run(args) {
  const r = spawnSync('wine', args, { env: wineEnv(), stdio: ['ignore', 'ignore', 'pipe'], timeout: WINE_STEP_TIMEOUT_MS, encoding: 'utf8' });
  if (r.error) throw new Error(`wine ${args.join(' ')}: ${r.error.message} (npm run setup installs wine)`);
  if (r.status !== 0) throw new Error(`wine ${args.join(' ')} exited ${r.status}: ${r.stderr.slice(-500)}`);
}

function create() {
  const t0 = Date.now();
  mkdirSync(WINE_PREFIX_DIR, { recursive: true });
  run(['wineboot', '--init']);
  run(['winecfg', '/v', WINDOWS_VERSION]);
  spawnSync('wineserver', ['-w'], { env: wineEnv(), timeout: WINE_STEP_TIMEOUT_MS }); // flush the registry to disk
  writeFileSync(READY_MARKER, `${WINDOWS_VERSION}\n`);
  return Date.now() - t0;
}

/** Returns once the prefix is ready; `log` hears one line when this call created it. */
export function ensureWinePrefix(log = () => {}) {
  if (existsSync(READY_MARKER)) return;
  mkdirSync(dirname(LOCK_DIR), { recursive: true });
  for (;;) {
    try {
      mkdirSync(LOCK_DIR); // atomic: exactly one caller wins
      break;
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
    }
    if (existsSync(READY_MARKER)) return;
    if (lockIsStale()) rmSync(LOCK_DIR, { recursive: true, force: true });
    else nap(LOCK_POLL_MS);
  }
  try {
    writeFileSync(join(LOCK_DIR, 'pid'), String(process.pid));
    if (existsSync(READY_MARKER)) return;
    // A half-made prefix (a creator killed midway) is remade from scratch.
    rmSync(WINE_PREFIX_DIR, { recursive: true, force: true });
    const ms = create();
    log(`[build:win] wine prefix made in ${(ms / 1000).toFixed(1)} s (${WINDOWS_VERSION}): ${WINE_PREFIX_DIR}`);
  } finally {
    rmSync(LOCK_DIR, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) ensureWinePrefix(console.log);
