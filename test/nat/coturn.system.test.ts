// Credentials against the real coturn: fresh REST credentials relay both ways; expired or forged
// ones are refused by coturn itself.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTurnClient, type TurnProtocol } from 'werift-ice';
import { startCoturn, type Coturn } from '../../src/master/coturn.js';
import { turnRestCredentials } from '../../src/master/turn-cred.js';
import { probeAllocate } from './turn-probe.js';

let coturn: Coturn;
beforeAll(async () => {
  coturn = await startCoturn({ ip: '127.0.0.1' });
});
afterAll(async () => {
  await coturn?.stop();
});

async function allocate(username: string, password: string): Promise<TurnProtocol> {
  return createTurnClient({ address: [coturn.ip, coturn.port], username, password }, { interfaceAddresses: { udp4: '127.0.0.1' } });
}

describe('coturn with REST credentials', () => {
  it('writes a config with a fresh secret, loopback only, no CLI and no TLS', () => {
    const conf = readFileSync(join(coturn.dir, 'turnserver.conf'), 'utf8');
    expect(conf).toContain('use-auth-secret');
    expect(conf).toContain(`static-auth-secret=${coturn.secret}`);
    expect(conf).toMatch(/^listening-ip=127\.0\.0\.1$/m);
    expect(conf).toContain('no-cli');
    expect(conf).toContain('no-tls');
    expect(coturn.secret).toMatch(/^[0-9a-f]{64}$/);
  });

  it('relays with fresh credentials, both ways', async () => {
    const cred = turnRestCredentials(coturn.secret, 'player1', Date.now(), 600, [coturn.uri]);
    const turn = await allocate(cred.username, cred.password);
    expect(turn.relayedAddress[0]).toBe('127.0.0.1');
    const peer = createSocket('udp4');
    await new Promise<void>((r) => peer.bind(0, '127.0.0.1', () => r()));
    const got = new Promise<{ data: string; port: number }>((resolve) => peer.once('message', (d, rinfo) => resolve({ data: d.toString(), port: rinfo.port })));
    await turn.sendData(Buffer.from('through the relay'), ['127.0.0.1', peer.address().port]);
    const first = await got;
    expect(first).toEqual({ data: 'through the relay', port: turn.relayedAddress[1] });
    const back = new Promise<string>((resolve) => turn.onData.subscribe((d) => resolve(d.toString())));
    peer.send('and back', turn.relayedAddress[1], '127.0.0.1');
    expect(await back).toBe('and back');
    peer.close();
    await turn.close();
  });

  it('refuses expired and forged credentials', async () => {
    const server: [string, number] = [coturn.ip, coturn.port];
    const fresh = turnRestCredentials(coturn.secret, 'player4', Date.now(), 600, []);
    expect(await probeAllocate(server, fresh.username, fresh.password)).toBe('allocated');
    const expired = turnRestCredentials(coturn.secret, 'player2', Date.now() - 3_600_000, 600, []);
    expect(await probeAllocate(server, expired.username, expired.password)).toBe(401);
    const forged = turnRestCredentials('not-the-secret', 'player3', Date.now(), 600, []);
    expect(await probeAllocate(server, forged.username, forged.password)).toBe(401);
    expect(await probeAllocate(server, `${Math.floor(Date.now() / 1000) + 600}:player5`, fresh.password)).toBe(401);
    expect(coturn.logText()).not.toContain(coturn.secret);
  });
});
