// coop-netcheck as a real process: enet-echo answers our TS client, prints connects and
// disconnects; bad arguments print one line and exit 2.
import { afterEach, describe, expect, it } from 'vitest';
import { EnetHost } from '../../src/net/enet/host.js';
import type { EnetPeer } from '../../src/net/enet/peer-api.js';
import { UdpTransport } from '../../src/net/enet/udp.js';
import { ProcGroup, run, type Proc } from '../helpers/proc.js';
import { LibEnetHost, type LibEnetEvent } from './libenet.js';

const ENTRY = 'src/net/netcheck-main.ts';
const WAIT_MS = 90_000;
const procs = new ProcGroup();
afterEach(async () => {
  await procs.stopAll('SIGKILL');
});

const echoServer = (args: string[]): Proc => procs.start([ENTRY, 'enet-echo', ...args]);

describe('coop-netcheck', () => {
  it('enet-echo echoes each packet on its channel with its flags and logs connects', async () => {
    const child = echoServer(['--port', '0', '--host', '127.0.0.1']);
    const [, port] = await child.line(/listening on udp 127\.0\.0\.1:(\d+)/, WAIT_MS);
    const client = new EnetHost({ transport: await UdpTransport.bind({ address: '127.0.0.1' }) });
    try {
      const peer = await new Promise<EnetPeer>((resolve) => {
        client.on('connect', (p) => resolve(p));
        client.connect({ address: '127.0.0.1', port: Number(port) }, 3, 5);
      });
      await child.line(/connect peer=\d+ from=127\.0\.0\.1:\d+ data=5 channels=3/, WAIT_MS);
      const echoes = new Promise<Array<[number, string, number]>>((resolve) => {
        const got: Array<[number, string, number]> = [];
        client.on('receive', (_p, ch, data, flags) => {
          got.push([ch, Buffer.from(data).toString(), flags]);
          if (got.length === 3) resolve(got);
        });
      });
      peer.send(0, Buffer.from('reliable'), { reliable: true });
      peer.send(1, Buffer.from('unsequenced'), { unsequenced: true });
      peer.send(2, Buffer.from('unreliable'));
      expect((await echoes).sort((a, b) => a[0] - b[0])).toEqual([
        [0, 'reliable', 1],
        [1, 'unsequenced', 2],
        [2, 'unreliable', 0],
      ]);
      peer.disconnect(3);
      await child.line(/disconnect peer=\d+ from=127\.0\.0\.1:\d+ data=3/, WAIT_MS);
    } finally {
      client.destroy();
    }
    expect(await child.stop('SIGTERM')).toBe(0);
  }, 180_000);

  it('enet-echo answers a libenet client too', async () => {
    const child = echoServer(['--port', '0']);
    const [, port] = await child.line(/listening on udp 127\.0\.0\.1:(\d+)/, WAIT_MS);
    const lib = new LibEnetHost({ port: null });
    try {
      const peer = lib.connect(Number(port), 2, 0);
      const got: LibEnetEvent[] = [];
      let sent = false;
      const deadline = Date.now() + 90_000;
      while (got.filter((e) => e.type === 'receive').length < 2 && Date.now() < deadline) {
        for (const e of lib.drain()) {
          got.push(e);
          if (e.type === 'connect' && !sent) {
            sent = true;
            peer.send(0, Buffer.from('from libenet'), 1);
            peer.send(1, Buffer.from('unsequenced'), 2);
          }
        }
        await new Promise((r) => setTimeout(r, 2));
      }
      const echoes = got.flatMap((e) => (e.type === 'receive' ? [[e.channelId, Buffer.from(e.data).toString(), e.flags & 0xb]] : []));
      expect(echoes.sort()).toEqual([
        [0, 'from libenet', 1],
        [1, 'unsequenced', 2],
      ]);
    } finally {
      lib.destroy();
    }
  }, 180_000);

  it('prints help and exits 0', async () => {
    const r = await run([ENTRY, '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('coop-netcheck enet-echo --port N [--host 127.0.0.1]');
  }, 120_000);

  it.each([
    [['enet-echo'], '--port is required'],
    [['enet-echo', '--port', 'x'], '--port must be a port number'],
    [['enet-echo', '--port', '99999'], '--port must be a port number'],
    [['enet-echo', '--port', '1', '--colour', 'red'], "Unknown option '--colour'"],
    [['frobnicate'], 'unknown command "frobnicate"'],
  ])(
    'bad arguments %j: one clear line, exit 2',
    async (args, message) => {
      const r = await run([ENTRY, ...args]);
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toContain(message);
    },
    120_000,
  );
});
