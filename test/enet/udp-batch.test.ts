// Batched UDP sends (src/net/enet/udp-batch.ts): many datagrams in one sendmmsg on Linux, the
// same bytes to the same addresses as one dgram send each; what the kernel does not take goes
// out one by one, in order. Real sockets on loopback; waits are event-driven.
import { createSocket, type Socket } from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { EnetHost } from '../../src/net/enet/host.js';
import { UdpTransport } from '../../src/net/enet/udp.js';
import { createSendBatch, ipv4Number } from '../../src/net/enet/udp-batch.js';

const open: Array<{ close(): void }> = [];
afterEach(() => {
  for (const o of open.splice(0)) o.close();
});

async function receiver(): Promise<{ sock: Socket; got: Array<{ data: Buffer; port: number }> }> {
  const sock = createSocket({ type: 'udp4', recvBufferSize: 4 << 20 });
  const got: Array<{ data: Buffer; port: number }> = [];
  sock.on('message', (data, r) => got.push({ data, port: r.port }));
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', r));
  open.push(sock);
  return { sock, got };
}

async function until(cond: () => boolean, what: string, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('ipv4Number', () => {
  it('reads dotted quads and refuses anything else', () => {
    expect(ipv4Number('127.0.0.1')).toBe(0x7f000001);
    expect(ipv4Number('255.255.255.255')).toBe(0xffffffff);
    expect(ipv4Number('10.1.2.3')).toBe(0x0a010203);
    for (const bad of ['', '1.2.3', '1.2.3.4.5', '256.0.0.1', '1..2.3', '::1', '::ffff:1.2.3.4', 'a.b.c.d', '1.2.3.4 ', '1234.1.1.1', 'path-7'])
      expect(ipv4Number(bad)).toBe(-1);
  });
});

describe('SendBatch', () => {
  it('hands back what the kernel did not take, as copies in order, and refuses past its limits', async () => {
    let calls = 0;
    const batch = await createSendBatch(() => (calls++, 2), -1, 4, 64);
    open.push(batch);
    const data = [1, 2, 3, 4].map((k) => new Uint8Array(10).fill(k));
    data.forEach((d, k) => expect(batch.add(d, 0x7f000001 + k, 5000 + k)).toBe(true));
    expect(batch.add(new Uint8Array(1), 1, 1)).toBe(false); // 4 datagrams at most
    const unsent: Array<[number[], number, number]> = [];
    expect(batch.send((d, ip, port) => unsent.push([[...d], ip, port]))).toBe(2);
    expect(calls).toBe(1);
    expect(unsent).toEqual([
      [Array(10).fill(3), 0x7f000003, 5002],
      [Array(10).fill(4), 0x7f000004, 5003],
    ]);
    expect(batch.count).toBe(0);
    expect(batch.add(new Uint8Array(65), 1, 1)).toBe(false); // over 64 bytes of data
    expect(batch.add(new Uint8Array(64), 1, 1)).toBe(true);
    expect(batch.send(() => undefined)).toBe(2); // the fake's answer, whatever the count
  });
});

describe('UdpTransport with batchSends', () => {
  it('delivers the same bytes to the same addresses as unbatched sends, from its own port', async () => {
    const t = await UdpTransport.bind({ address: '127.0.0.1', batchSends: true });
    open.push(t);
    if (process.platform === 'linux') expect(t.batching).toBe(true);
    else expect(t.batchUnavailable).toMatch(/Linux/);
    const rx = await Promise.all([receiver(), receiver(), receiver()]);
    const sent: Array<{ to: number; data: Uint8Array }> = [];
    for (let i = 0; i < 300; i++) {
      const data = new Uint8Array(1 + ((i * 37) % 1400)).map((_, j) => (i + j) & 255);
      const to = i % 3;
      sent.push({ to, data });
      expect(t.send(data, { address: '127.0.0.1', port: rx[to].sock.address().port })).toBe(true);
    }
    t.sendGathered();
    await until(() => rx.every((r, k) => r.got.length === sent.filter((s) => s.to === k).length), 'all datagrams');
    for (let k = 0; k < 3; k++) {
      const want = sent.filter((s) => s.to === k).map((s) => Buffer.from(s.data).toString('hex'));
      expect(rx[k].got.map((g) => g.data.toString('hex')).sort()).toEqual(want.sort());
      expect(new Set(rx[k].got.map((g) => g.port))).toEqual(new Set([t.localAddress().port]));
    }
  });

  it('sends what a caller outside a host pass gathered by the end of the turn', async () => {
    const t = await UdpTransport.bind({ address: '127.0.0.1', batchSends: true });
    open.push(t);
    const r = await receiver();
    t.send(new Uint8Array([9, 8, 7]), { address: '127.0.0.1', port: r.sock.address().port });
    await until(() => r.got.length === 1, 'the datagram');
    expect([...r.got[0].data]).toEqual([9, 8, 7]);
  });

  it('carries an ENet session (the server side batching) and says why an IPv6 socket does not batch', async () => {
    const st = await UdpTransport.bind({ address: '127.0.0.1', batchSends: true });
    const server = new EnetHost({ transport: st });
    const client = new EnetHost({ transport: await UdpTransport.bind({ address: '127.0.0.1' }) });
    open.push({ close: () => server.destroy() }, { close: () => client.destroy() });
    server.on('receive', (peer, ch, data) => peer.send(ch, data, { reliable: true }));
    const echoes: number[] = [];
    client.on('receive', (_p, _ch, data) => echoes.push(data[0]));
    client.on('connect', (peer) => {
      for (let k = 0; k < 50; k++) peer.send(0, new Uint8Array([k]), { reliable: true });
    });
    client.connect(server.address(), 2, 0);
    await until(() => echoes.length === 50, 'the echoes');
    expect(echoes).toEqual([...Array(50).keys()]);
    const v6 = await UdpTransport.bind({ address: '::1', batchSends: true });
    open.push(v6);
    expect(v6.batching).toBe(false);
    expect(v6.batchUnavailable).toMatch(/IPv4|Linux/);
  });
});
