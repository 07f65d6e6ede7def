#!/usr/bin/env node
// The test command: the lint (eslint + prettier --check, counted as one test), then every vitest
// file, ending with one plain line `N passed, N failed[, N skipped]`. Exits non-zero on any
// failure, or when no test ran. `--no-lint` skips the lint (npm run test:unit); other arguments
// go to vitest (e.g. `--project unit`).
import { spawnSync } from 'node:child_process';
import { readFileSync, mkdirSync, rmSync } from 'node:fs';

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
const args = ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${REPORT}`, ...vitestArgs];
const run = spawnSync('npx', args, { stdio: 'inherit', env: process.env });

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
