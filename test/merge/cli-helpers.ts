// Runs coop-merge as a real process (test/helpers/proc.ts: node --import tsx src/merge/main.ts)
// and builds input files.
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run, type RunResult } from '../helpers/proc.js';

export const CLI = fileURLToPath(new URL('../../src/merge/main.ts', import.meta.url));

export function runMerge(args: string[], cwd?: string): Promise<RunResult> {
  return run([CLI, ...args], { cwd, env: { ...process.env, NO_COLOR: '' } });
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'coop-merge-'));
}

export function hashOf(file: string): string {
  return existsSync(file) ? createHash('sha256').update(readFileSync(file)).digest('hex') : 'absent';
}

export function writeJson(file: string, value: unknown): string {
  writeFileSync(file, JSON.stringify(value, null, 2));
  return file;
}
