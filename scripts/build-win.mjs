// The Windows half of the build (scripts/build.mjs calls it after make): the player's plugin
// folder in .cache/win/CoopBridge/ (scripts/win/layout.mjs) and the project's wine prefix.
// Skipped, with one line saying why, when mingw-w64 or wine is missing (npm run setup installs
// both); COOP_SKIP_WIN=1 skips it on purpose.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { layoutWindowsSidecar } from './win/layout.mjs';
import { ensureWinePrefix } from './win/wine-prefix.mjs';

const has = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;

/** Returns false (and says why) when the Windows build was skipped. */
export async function buildWindows({ sidecarEntry }) {
  if (process.env.COOP_SKIP_WIN === '1') return false;
  const missing = ['x86_64-w64-mingw32-gcc', 'wine'].filter((c) => !has(c));
  if (missing.length || !existsSync('native-shims/build/coopbridge.dll')) {
    console.log(`[build:win] skipped: ${missing.join(', ') || 'coopbridge.dll'} missing (npm run setup installs gcc-mingw-w64-x86-64 and wine)`);
    return false;
  }
  await layoutWindowsSidecar({ sidecarEntry, log: console.log });
  ensureWinePrefix(console.log);
  return true;
}
