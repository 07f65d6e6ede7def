// The shipped sidecar bundle runs under the launcher's Node flags (SIDECAR_NODE_FLAGS): every
// chunk of it loads (code that needs what a flag takes away, e.g. WebAssembly under
// --no-expose-wasm, would fail here rather than beside a player's game), and the program starts.
import { describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { SIDECAR_NODE_FLAGS } from '../../src/sidecar/node-flags.js';
import { run } from '../helpers/proc.js';

const BUNDLE = 'dist/coop-sidecar.js';
const CHUNKS = readdirSync('dist/chunks').filter((f) => f.startsWith('coop-sidecar-') && f.endsWith('.js'));

describe('the sidecar bundle under SIDECAR_NODE_FLAGS', () => {
  it('loads every chunk, WebAssembly being absent', async () => {
    expect(CHUNKS.length).toBeGreaterThan(1);
    const script = `
      if (typeof WebAssembly !== 'undefined') throw new Error('WebAssembly is exposed');
      for (const c of ${JSON.stringify(CHUNKS)}) await import('./dist/chunks/' + c);
      console.log('loaded ' + ${CHUNKS.length});`;
    const r = await run([...SIDECAR_NODE_FLAGS, '--input-type=module', '-e', script], { command: process.execPath });
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe(`loaded ${CHUNKS.length}`);
    expect(r.code).toBe(0);
  });

  it('starts: --help prints the usage and exits 0', async () => {
    const r = await run([...SIDECAR_NODE_FLAGS, BUNDLE, '--help'], { command: process.execPath });
    expect(r.stdout).toMatch(/coop-sidecar/);
    expect(r.code).toBe(0);
  });
});
