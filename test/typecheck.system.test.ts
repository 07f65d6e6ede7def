import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';

describe('typescript', () => {
  it('the whole project typechecks under strict mode', () => {
    const r = spawnSync('npx', ['tsc', '--noEmit', '-p', '.'], { encoding: 'utf8' });
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  }, 180_000);
});
