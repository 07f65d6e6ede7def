#!/usr/bin/env node
// The test command: the lint (eslint + prettier --check, counted as one test), then every vitest
// file, ending with one plain line `N passed, N failed[, N skipped]`. Exits non-zero on any
// failure, or when no test ran. `--no-lint` skips the lint (npm run test:unit); other arguments
// go to vitest (e.g. `--project unit`).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, mkdirSync, rmSync } from 'node:fs';
import { WINE_PREFIX_DIR, wineEnv } from './win/paths.mjs';

const REPORT = 'test-results/vitest.json';
const argv = process.argv.slice(2);
const lint = !argv.includes('--no-lint');
const vitestArgs = argv.filter((a) => a !== '--no-lint');

let passed = 0,
  failed = 0,
  skipped = 0,
  suitesFailed = 0;

if (lint) {
  const run = spawnSync('npm', ['run', '--silent', 'lint'], { stdio: 'inherit', env: process.env });
  if (run.status === 0) passed += 1;
  else {
    console.error('lint failed: `npm run lint` (eslint, then prettier --check; `npm run format` rewrites)');
    failed += 1;
  }
}

mkdirSync('test-results', { recursive: true });
rmSync(REPORT, { force: true });
// wine's server exits a few seconds after the prefix's last process, and a wine test starting
// in that moment dies with "wine client error: recvmsg: Connection reset by peer" (seen once in
// CI). One persistent wineserver for the prefix serves the whole run, then is stopped.
const wine = existsSync(WINE_PREFIX_DIR) && spawnSync('sh', ['-c', 'command -v wineserver'], { stdio: 'ignore' }).status === 0;
const WINESERVER_STEP_TIMEOUT_MS = 30_000;
if (wine) spawnSync('wineserver', ['-p'], { env: wineEnv(), stdio: 'ignore', timeout: WINESERVER_STEP_TIMEOUT_MS });

const args = ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${REPORT}`, ...vitestArgs];
const run = spawnSync('npx', args, { stdio: 'inherit', env: process.env });
if (wine) spawnSync('wineserver', ['-k'], { env: wineEnv(), stdio: 'ignore', timeout: WINESERVER_STEP_TIMEOUT_MS });

let tests = 0;
try {
  const r = JSON.parse(readFileSync(REPORT, 'utf8'));
  tests = r.numPassedTests ?? 0;
  failed += r.numFailedTests ?? 0;
  skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  // A file that fails to load has no tests to count: it is still a failure.
  suitesFailed = (r.testResults ?? []).filter((f) => f.status === 'failed' && (f.assertionResults ?? []).length === 0).length;
} catch (err) {
  console.error(`could not read ${REPORT}: ${err.message}`);
  failed += 1;
}
passed += tests;
failed += suitesFailed;
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 || tests === 0 || run.status !== 0 ? 1 : 0);
