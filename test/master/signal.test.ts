import { afterEach, describe, expect, it } from 'vitest';
import { startMaster, type MasterServer } from '../../src/master/server.js';
import { MASTER_MAX_WS_MESSAGE_BYTES } from '../../src/master/constants.js';
import { http, WsClient } from './helpers.js';

const ANNOUNCE = { name: 'sig', version: '0.1.0', players: 1, maxPlayers: 4, password: true };
let m: MasterServer | undefined;
const sockets: WsClient[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.close();
  await m?.close();
  m = undefined;
});

async function client(): Promise<WsClient> {
  const c = new WsClient(`${m!.url.replace('http', 'ws')}/ws`);
  sockets.push(c);
  await c.open();
  return c;
}

async function hostedSession(): Promise<{ host: WsClient; sessionId: string }> {
  m = await startMaster({ host: '127.0.0.1', port: 0, turnUris: [] });
  const a = await http(m.url, 'POST', '/api/sessions', ANNOUNCE);
  const { sessionId, hostToken } = a.body as { sessionId: string; hostToken: string };
  const host = await client();
  host.send({ t: 'host', sessionId, hostToken });
  expect(await host.next()).toEqual({ t: 'ready', sessionId });
  return { host, sessionId };
}

const cand = (n: number) => ({ kind: 'cand', attempt: 0, cand: `candidate:${n} 1 udp 2130706431 10.0.0.${n} 5000 typ host` });

describe('coop-master signalling', () => {
  it('relays parameters and candidates between a host and a joiner', async () => {
    const { host, sessionId } = await hostedSession();
    const joiner = await client();
    joiner.send({ t: 'join', sessionId });
    const joined = await joiner.next();
    expect(joined.t).toBe('joined');
    const peerId = joined.peerId as string;
    expect(await host.next()).toEqual({ t: 'peer', peerId });
    joiner.send({ t: 'signal', data: cand(1) });
    expect(await host.next()).toEqual({ t: 'signal', peerId, data: cand(1) });
    host.send({ t: 'signal', peerId, data: { kind: 'end', attempt: 0 } });
    expect(await joiner.next()).toEqual({ t: 'signal', peerId, data: { kind: 'end', attempt: 0 } });
    joiner.close();
    expect(await host.next()).toEqual({ t: 'left', peerId });
  });

  it('answers malformed, unroutable and unknown-session messages with errors and counts them', async () => {
    const { host, sessionId } = await hostedSession();
    const stranger = await client();
    stranger.send('{"t":');
    expect(await stranger.next()).toMatchObject({ t: 'error', code: 'bad_message' });
    stranger.send({ t: 'signal', data: cand(2) });
    expect(await stranger.next()).toMatchObject({ t: 'error', code: 'not_ready' });
    stranger.send({ t: 'join', sessionId: 'nosuchsession' });
    expect(await stranger.next()).toMatchObject({ t: 'error', code: 'unknown_session' });
    stranger.send({ t: 'host', sessionId, hostToken: 'forgedforgedforged' });
    expect(await stranger.next()).toMatchObject({ t: 'error', code: 'bad_token' });
    host.send({ t: 'signal', peerId: 'nosuchpeer', data: cand(3) });
    expect(await host.next()).toMatchObject({ t: 'error', code: 'unknown_peer' });
    host.send({ t: 'signal', peerId: 'abcd', data: { kind: 'cand', attempt: 0, cand: '' } });
    expect(await host.next()).toMatchObject({ t: 'error', code: 'bad_message' });
    expect(m!.stats.count('ws_bad_json')).toBe(1);
    expect(m!.stats.count('ws_not_ready')).toBe(1);
    expect(m!.stats.count('ws_unknown_session')).toBe(1);
    expect(m!.stats.count('ws_bad_token')).toBe(1);
    expect(m!.stats.count('ws_unknown_peer')).toBe(1);
    expect(m!.stats.count('ws_bad_message')).toBe(1);

    // An oversized message closes only that socket (1009); the others keep working.
    const big = await client();
    big.send('x'.repeat(MASTER_MAX_WS_MESSAGE_BYTES + 1));
    expect(await big.closed).toBe(1009);
    const joiner = await client();
    joiner.send({ t: 'join', sessionId });
    expect((await joiner.next()).t).toBe('joined');
    expect((await host.next()).t).toBe('peer');
  });
});
