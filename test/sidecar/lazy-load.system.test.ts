// The shipped sidecar bundle loads the NAT path (ICE: werift-ice, the master's WebSocket) only
// when it joins through coop-master: a direct --server join never loads that chunk. Real
// processes: the bundle (dist/, `npm run build`) under a loader hook that names every module it
// loads, attached to a game played here on the real bridge.
import { afterEach, describe, expect, it } from 'vitest';
import { createSocket, type Socket } from 'node:dgram';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openBridge, type Bridge } from '../../bridge/index.js';
import { proc, type Proc } from '../helpers/proc.js';

const BUNDLE = 'dist/coop-sidecar.js';
const TRACE = 'test/helpers/trace-imports.mjs';
const TRACE_BUILTINS = 'test/helpers/trace-builtins.mjs';
const FRAME_MS = 16;

/** The dist chunks that hold the ICE code (werift-ice is bundled into the sidecar). */
function iceChunks(): string[] {
  const dir = 'dist/chunks';
  return readdirSync(dir)
    .filter((f) => f.startsWith('coop-sidecar-') && f.endsWith('.js'))
    .filter((f) => readFileSync(join(dir, f), 'utf8').includes('IceDatagramTransport'));
}

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function game(name: string): Bridge {
  const g = openBridge({ name, role: 'game' });
  const t = setInterval(() => {
    if (g.state === 'attached')
      g.send('PlayerTransform', { entityId: 0, pos: { x: 0, y: 0, z: 0 }, rot: { x: 0, y: 0, z: 0, w: 1 }, vel: { x: 0, y: 0, z: 0 } });
  }, FRAME_MS);
  cleanups.push(
    () => clearInterval(t),
    () => g.close('test done').catch(() => undefined),
  );
  return g;
}

function sidecar(args: string[], trace = TRACE): Proc {
  const p = proc(['--import', `./${trace}`, BUNDLE, ...args, '--data-dir', mkdtempSync(join(tmpdir(), 'coop-lazy-')), '--log-level', 'warn'], {
    command: process.execPath,
    name: 'coop-sidecar',
  });
  cleanups.push(() => p.stop());
  return p;
}

const loaded = (p: Proc): string[] => [...p.err().matchAll(/^import (\S+)$/gm)].map((m) => m[1]!);

describe('sidecar bundle: lazy NAT path', () => {
  it('the bundle has the ICE code in a chunk of its own', () => {
    expect(iceChunks().length).toBeGreaterThan(0);
    expect(readFileSync(BUNDLE, 'utf8')).not.toContain('IceDatagramTransport');
  });

  it('a direct --server join never loads the ICE chunk; a coop-master join does', async () => {
    const silent: Socket = createSocket('udp4');
    await new Promise<void>((r) => silent.bind(0, '127.0.0.1', () => r()));
    cleanups.push(() => silent.close());
    const ice = iceChunks();

    const direct = `lazy${process.pid}d`;
    game(direct);
    const d = sidecar(['--server', `127.0.0.1:${silent.address().port}`, '--bridge', direct, '--name', 'direct']);
    await d.line(/ENet connecting to/);
    const dLoaded = loaded(d);
    expect(dLoaded.some((u) => u.endsWith(BUNDLE))).toBe(true); // the hook sees the program
    for (const c of ice) expect(dLoaded.filter((u) => u.endsWith(`/${c}`))).toEqual([]);
    expect(dLoaded.filter((u) => /werift|\/ws\//.test(u))).toEqual([]);

    const viaMaster = `lazy${process.pid}m`;
    game(viaMaster);
    // Nothing listens on port 1: the join fails, but only after the NAT path was loaded.
    const m = sidecar(['--master', 'http://127.0.0.1:1', '--join', 'lobby1', '--bridge', viaMaster, '--name', 'nat']);
    await m.line(/joining lobby session lobby1/);
    await m.line(/could not reach the server through coop-master|trying again/);
    expect(loaded(m).filter((u) => ice.some((c) => u.endsWith(`/${c}`))).length).toBeGreaterThan(0);
  });

  it("a direct --server join loads none of pino's thread machinery (worker_threads, assert) nor zlib", async () => {
    const silent: Socket = createSocket('udp4');
    await new Promise<void>((r) => silent.bind(0, '127.0.0.1', () => r()));
    cleanups.push(() => silent.close());
    const name = `lazy${process.pid}b`;
    game(name);
    const d = sidecar(['--server', `127.0.0.1:${silent.address().port}`, '--bridge', name, '--name', 'direct'], TRACE_BUILTINS);
    await d.line(/ENet connecting to/);
    await d.stop();
    const builtins = [...d.err().matchAll(/^builtin (\S+)$/gm)].map((m) => m[1]!);
    expect(builtins).toContain('dgram'); // the hook saw the program's built-ins
    expect(builtins.filter((b) => /^(worker_threads|internal\/worker(\/io)?|assert|internal\/assert\/.*|zlib)$/.test(b))).toEqual([]);
  });
});
