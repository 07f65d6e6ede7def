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

  it('a full collection compacts a fragmented old generation and gives its pages back (--compact-on-every-full-gc)', async () => {
    // Objects promoted to the old generation, then seven in eight dropped: every page keeps a
    // few live ones, which a collection without compaction leaves where they are.
    const script = `
      const v8 = require('node:v8');
      if (typeof gc !== 'function') throw new Error('gc is not exposed');
      const keep = [];
      for (let r = 0; r < 40; r++) { const a = []; for (let i = 0; i < 20000; i++) a.push({ i, r }); keep.push(a); }
      gc();
      for (let r = 0; r < keep.length; r++) keep[r] = keep[r].filter((_, i) => i % 8 === 0);
      const before = v8.getHeapStatistics().total_heap_size;
      gc();
      console.log(JSON.stringify({ before, after: v8.getHeapStatistics().total_heap_size, kept: keep.flat().length }));`;
    const r = await run([...SIDECAR_NODE_FLAGS, '--expose-gc', '-e', script], { command: process.execPath });
    expect(r.stderr).toBe('');
    const { before, after, kept } = JSON.parse(r.stdout) as { before: number; after: number; kept: number };
    expect(kept).toBe(40 * 2500);
    expect(after).toBeLessThan(before / 2);
  });

  it('starts: --help prints the usage and exits 0', async () => {
    const r = await run([...SIDECAR_NODE_FLAGS, BUNDLE, '--help'], { command: process.execPath });
    expect(r.stdout).toMatch(/coop-sidecar/);
    expect(r.code).toBe(0);
  });
});
