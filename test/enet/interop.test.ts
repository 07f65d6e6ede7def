// Interop with the real C library: Debian's libenet 1.3.17 loaded through koffi in this
// process, as server with our TS client and as client with our TS server, over UDP loopback.
// The libenet host is polled (enet_host_service with timeout 0) from a timer; ours runs itself.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ENET_PACKET_FLAG_RELIABLE, ENET_PACKET_FLAG_UNRELIABLE_FRAGMENT, ENET_PACKET_FLAG_UNSEQUENCED } from '../../src/net/enet/constants.js';
import { EnetHost } from '../../src/net/enet/host.js';
import type { EnetPeer } from '../../src/net/enet/peer-api.js';
import { UdpTransport } from '../../src/net/enet/udp.js';
import { LibEnetHost, libenetVersion, type LibEnetEvent, type LibEnetPeer } from './libenet.js';

const WAIT_MS = 60_000;
const tsHosts: EnetHost[] = [];
const libHosts: LibEnetHost[] = [];
afterEach(() => {
  for (const h of tsHosts.splice(0)) h.destroy();
  for (const h of libHosts.splice(0)) h.destroy();
});

async function tsHost(options: { checksum?: boolean } = {}): Promise<EnetHost> {
  const h = new EnetHost({ transport: await UdpTransport.bind({ address: '127.0.0.1' }), ...options });
  tsHosts.push(h);
  return h;
}

function libHost(options: { port?: number | null; checksum?: boolean } = {}): LibEnetHost {
  const h = new LibEnetHost(options);
  libHosts.push(h);
  return h;
}

/** Poll the libenet host every ms, feeding its events to `onEvent`, until `done()` or timeout. */
async function pump(lib: LibEnetHost, onEvent: (e: LibEnetEvent) => void, done: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + WAIT_MS;
  while (!done()) {
    for (const e of lib.drain()) onEvent(e);
    if (done()) return;
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 1));
  }
}

function pattern(size: number, seed: number): Uint8Array {
  const b = new Uint8Array(size);
  let x = seed;
  for (let i = 0; i < size; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    b[i] = x >>> 24;
  }
  return b;
}

/** What each side sends: channel, size, flags. Covers every data command. */
const MESSAGES = [
  { channel: 0, size: 32, flags: ENET_PACKET_FLAG_RELIABLE }, // SEND_RELIABLE
  { channel: 1, size: 200, flags: 0 }, // SEND_UNRELIABLE
  { channel: 2, size: 48, flags: ENET_PACKET_FLAG_UNSEQUENCED }, // SEND_UNSEQUENCED
  { channel: 3, size: 1_500_000, flags: ENET_PACKET_FLAG_RELIABLE }, // SEND_FRAGMENT, 1.5 MB
  { channel: 1, size: 6_000, flags: ENET_PACKET_FLAG_UNRELIABLE_FRAGMENT }, // SEND_UNRELIABLE_FRAGMENT
  { channel: 0, size: 0, flags: ENET_PACKET_FLAG_RELIABLE }, // empty packet
];

beforeAll(() => {
  expect(libenetVersion()).toBe('1.3.17');
});

for (const checksum of [false, true]) {
  describe(`interop with libenet ${checksum ? '(CRC32 checksums on)' : ''}`.trim(), () => {
    it('libenet server, TS client: handshake data, every data command on 4 channels both ways, TS-initiated disconnect', async () => {
      const lib = libHost({ port: 0, checksum });
      const ts = await tsHost({ checksum });
      const libGot: Array<{ channelId: number; data: Uint8Array; flags: number }> = [];
      let libConnectData = -1;
      let libDisconnectData = -1;
      let libPeer: LibEnetPeer | null = null;
      const onLib = (e: LibEnetEvent): void => {
        if (e.type === 'connect') {
          libConnectData = e.data;
          libPeer = e.peer;
        }
        if (e.type === 'disconnect') libDisconnectData = e.data;
        if (e.type === 'receive') {
          libGot.push(e);
          e.peer.send(e.channelId, e.data, e.flags); // echo
        }
      };
      const tsGot: Array<{ channelId: number; data: Uint8Array; flags: number }> = [];
      let tsPeer: EnetPeer | null = null;
      ts.on('connect', (p) => {
        tsPeer = p;
      });
      ts.on('receive', (_p, channelId, data, flags) => tsGot.push({ channelId, data, flags }));
      ts.connect({ address: '127.0.0.1', port: lib.port }, 4, 0xcafe);
      await pump(lib, onLib, () => tsPeer !== null && libPeer !== null, 'connect');
      expect(libConnectData).toBe(0xcafe);
      const peer = tsPeer as unknown as EnetPeer;
      expect(peer.channelCount).toBe(4);
      MESSAGES.forEach((m, i) => expect(peer.send(m.channel, pattern(m.size, i + 1), m.flags)).toBe(true));
      await pump(lib, onLib, () => tsGot.length === MESSAGES.length, 'echoes');
      for (const got of [libGot, tsGot]) {
        expect(got.length).toBe(MESSAGES.length);
        for (const [i, m] of MESSAGES.entries()) {
          const r = got.find((g) => g.channelId === m.channel && g.data.length === m.size && (g.flags & 0xb) === m.flags);
          expect(r, `message ${i}`).toBeDefined();
          expect(Buffer.compare(r!.data, pattern(m.size, i + 1))).toBe(0);
        }
      }
      // Reliable ones keep their order on their channel.
      expect(tsGot.filter((g) => g.channelId === 0).map((g) => g.data.length)).toEqual([32, 0]);
      expect(peer.stats.rtt).toBeLessThan(500);
      let tsDisconnected = -1;
      ts.on('disconnect', (_p, d) => {
        tsDisconnected = d;
      });
      peer.disconnect(4242);
      await pump(lib, onLib, () => libDisconnectData >= 0 && tsDisconnected >= 0, 'disconnect');
      expect(libDisconnectData).toBe(4242);
      expect(tsDisconnected).toBe(0);
    }, 120_000);

    it('TS server, libenet client: every data command both ways, libenet-initiated disconnect', async () => {
      const ts = await tsHost({ checksum });
      const lib = libHost({ port: null, checksum });
      const serverPort = ts.address().port;
      let tsConnectData = -1;
      let tsDisconnectData = -1;
      const tsGot: Array<{ channelId: number; data: Uint8Array; flags: number }> = [];
      ts.on('connect', (_p, d) => {
        tsConnectData = d;
      });
      ts.on('disconnect', (_p, d) => {
        tsDisconnectData = d;
      });
      ts.on('receive', (p, channelId, data, flags) => {
        tsGot.push({ channelId, data, flags });
        p.send(channelId, data, flags); // echo
      });
      const libGot: Array<{ channelId: number; data: Uint8Array; flags: number }> = [];
      let connected = false;
      let libDisconnected = -1;
      const onLib = (e: LibEnetEvent): void => {
        if (e.type === 'connect') connected = true;
        if (e.type === 'disconnect') libDisconnected = e.data;
        if (e.type === 'receive') libGot.push(e);
      };
      const libPeer = lib.connect(serverPort, 4, 777);
      await pump(lib, onLib, () => connected && tsConnectData >= 0, 'connect');
      expect(tsConnectData).toBe(777);
      MESSAGES.forEach((m, i) => expect(libPeer.send(m.channel, pattern(m.size, i + 11), m.flags)).toBe(true));
      await pump(lib, onLib, () => libGot.length === MESSAGES.length, 'echoes');
      for (const got of [tsGot, libGot]) {
        for (const [i, m] of MESSAGES.entries()) {
          const r = got.find((g) => g.channelId === m.channel && g.data.length === m.size && (g.flags & 0xb) === m.flags);
          expect(r, `message ${i}`).toBeDefined();
          expect(Buffer.compare(r!.data, pattern(m.size, i + 11))).toBe(0);
        }
      }
      expect(libPeer.roundTripTime).toBeLessThan(500);
      libPeer.disconnect(99);
      await pump(lib, onLib, () => tsDisconnectData >= 0 && libDisconnected >= 0, 'disconnect');
      expect(tsDisconnectData).toBe(99);
      expect(libDisconnected).toBe(0);
    }, 120_000);
  });
}

describe('interop disconnect paths', () => {
  it('TS server disconnects a libenet client; the client sees the data', async () => {
    const ts = await tsHost();
    const lib = libHost({ port: null });
    let serverPeer: EnetPeer | null = null;
    let tsEvent = -1;
    ts.on('connect', (p) => {
      serverPeer = p;
    });
    ts.on('disconnect', (_p, d) => {
      tsEvent = d;
    });
    let libEvent = -1;
    let connected = false;
    const onLib = (e: LibEnetEvent): void => {
      if (e.type === 'connect') connected = true;
      if (e.type === 'disconnect') libEvent = e.data;
    };
    lib.connect(ts.address().port, 2, 0);
    await pump(lib, onLib, () => connected && serverPeer !== null, 'connect');
    (serverPeer as unknown as EnetPeer).disconnect(31337);
    await pump(lib, onLib, () => libEvent >= 0 && tsEvent >= 0, 'disconnect');
    expect(libEvent).toBe(31337);
    expect(tsEvent).toBe(0);
  }, 120_000);

  it('libenet server disconnects a TS client; disconnectNow and disconnectLater both ways', async () => {
    const lib = libHost({ port: 0 });
    const ts = await tsHost();
    const libPeers: LibEnetPeer[] = [];
    const libDisconnects: number[] = [];
    const libReceived: number[] = [];
    const onLib = (e: LibEnetEvent): void => {
      if (e.type === 'connect') libPeers.push(e.peer);
      if (e.type === 'disconnect') libDisconnects.push(e.data);
      if (e.type === 'receive') libReceived.push(e.data.length);
    };
    const tsDisconnects: number[] = [];
    const tsReceived: number[] = [];
    ts.on('disconnect', (_p, d) => tsDisconnects.push(d));
    ts.on('receive', (_p, _c, data) => tsReceived.push(data.length));
    // 1. libenet server: graceful disconnect of the TS client.
    let p = ts.connect({ address: '127.0.0.1', port: lib.port }, 1, 1);
    await pump(lib, onLib, () => libPeers.length === 1 && p.connected, 'connect 1');
    libPeers[0].disconnect(11);
    await pump(lib, onLib, () => tsDisconnects.length === 1 && libDisconnects.length === 1, 'disconnect 1');
    expect(tsDisconnects).toEqual([11]);
    // 2. libenet disconnectNow: the TS client hears it (one unsequenced DISCONNECT).
    p = ts.connect({ address: '127.0.0.1', port: lib.port }, 1, 2);
    await pump(lib, onLib, () => libPeers.length === 2 && p.connected, 'connect 2');
    libPeers[1].disconnectNow(12);
    await pump(lib, onLib, () => tsDisconnects.length === 2, 'disconnect 2');
    expect(tsDisconnects[1]).toBe(12);
    // 3. TS disconnectNow: libenet hears it.
    p = ts.connect({ address: '127.0.0.1', port: lib.port }, 1, 3);
    await pump(lib, onLib, () => libPeers.length === 3 && p.connected, 'connect 3');
    p.disconnectNow(13);
    await pump(lib, onLib, () => libDisconnects.length === 2, 'disconnect 3');
    expect(libDisconnects[1]).toBe(13);
    // 4. TS disconnectLater after queued data: libenet gets all data, then the disconnect.
    p = ts.connect({ address: '127.0.0.1', port: lib.port }, 1, 4);
    await pump(lib, onLib, () => libPeers.length === 4 && p.connected, 'connect 4');
    for (let i = 0; i < 20; i++) p.send(0, pattern(3000, i), { reliable: true });
    p.disconnectLater(14);
    await pump(lib, onLib, () => libDisconnects.length === 3 && tsDisconnects.length === 3, 'disconnect 4');
    expect(libReceived.filter((n) => n === 3000).length).toBe(20);
    expect(libDisconnects[2]).toBe(14);
    expect(tsDisconnects[2]).toBe(0); // our own graceful disconnect completing (disconnectNow raised none)
    // 5. libenet disconnectLater after queued data: the TS client gets all data first.
    p = ts.connect({ address: '127.0.0.1', port: lib.port }, 1, 5);
    await pump(lib, onLib, () => libPeers.length === 5 && p.connected, 'connect 5');
    for (let i = 0; i < 20; i++) libPeers[4].send(0, pattern(2500, i), ENET_PACKET_FLAG_RELIABLE);
    libPeers[4].disconnectLater(15);
    await pump(lib, onLib, () => tsDisconnects.length === 4, 'disconnect 5');
    expect(tsReceived.filter((n) => n === 2500).length).toBe(20);
    expect(tsDisconnects[3]).toBe(15);
  }, 150_000);
});
