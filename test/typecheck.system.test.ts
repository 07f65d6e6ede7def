import { describe, it, expect } from 'vitest';
import { run } from './helpers/proc.js';

describe('typescript', () => {
  it('the whole project typechecks under strict mode', async () => {
    const r = await run(['tsc', '--noEmit', '-p', '.'], { command: 'npx' });
    expect(r.stdout + r.stderr).toBe('');
    expect(r.code).toBe(0);
  }, 180_000);
});
