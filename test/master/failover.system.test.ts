// Failover with real processes: two coop-master processes on one real Redis (and coturn). A host
// bound on A and a joiner through B connect over ICE; A is SIGKILLed mid-session; the host
// re-binds the same lobby session on B, and a new joiner whose list starts with the dead A
// retries through B and gets in.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startCoturn, type Coturn } from '../../src/master/coturn.js';
import { natPerformHandshake, type NatConnection } from '../../src/net/nat/handshake.js';
import { HostBinding } from '../../src/net/nat/host-binding.js';
import { IceDatagramTransport } from '../../src/net/nat/ice-transport.js';
import { cachedTurnCredentials, playerIdentityFrom } from '../../src/net/nat/master-client.js';
import { joinThroughMaster, type NatJoined } from '../../src/sidecar/nat-join.js';
import { generateIdentity } from '../../src/protocol/identity.js';
import { proc, type Proc } from '../helpers/proc.js';
import { startRedis, type TestRedis } from '../helpers/redis.js';

const WAIT = { timeout: 30_000, interval: 100 };
const quiet = { info: () => undefined, warn: () => undefined };
let redis: TestRedis;
let coturn: Coturn;
const masters: Proc[] = [];
const closers: (() => unknown)[] = [];

async function masterProcess(): Promise<{ p: Proc; url: string }> {
  const p = proc(['src/master/main.ts', '--host', '127.0.0.1', '--port', '0', '--store', redis.url, '--turn-uri', coturn.uri], {
    env: { ...process.env, COOP_TURN_SECRET: coturn.secret },
  });
  masters.push(p);
  const m = await p.line(/"msg":"coop-master listening"/);
  const port = /"port":(\d+)/.exec(m.input)?.[1];
  return { p, url: `http://127.0.0.1:${port}` };
}

beforeAll(async () => {
  redis = await startRedis();
  coturn = await startCoturn({ ip: '127.0.0.1' });
});
afterAll(async () => {
  for (const c of closers.reverse()) await c();
  for (const m of masters) m.child.kill('SIGKILL');
  await coturn?.stop();
  await redis?.stop();
});

describe('coop-master failover (processes, one Redis)', () => {
  it('the host re-binds on B after A is SIGKILLed, and a new joiner gets in through B', async () => {
    const a = await masterProcess();
    const b = await masterProcess();
    const stunServer = `127.0.0.1:${coturn.port}`;
    const hostT = new IceDatagramTransport('host');
    closers.push(() => hostT.close());
    // Joiners the host reached; a joiner may need more than one attempt on a loaded machine (a
    // failed attempt is retried: that is the behaviour under test, not a flake).
    const connected: NatConnection[] = [];
    let bound: HostBinding | undefined;
    const hostTurn = cachedTurnCredentials(() => bound?.master ?? a.url, playerIdentityFrom(generateIdentity()));
    const host = await HostBinding.start({
      master: [a.url, b.url],
      body: () => ({ name: 'failover', version: '0.1.0', players: 1, maxPlayers: 8, password: false }),
      players: () => 1,
      onPeer: (sig, peerId) => {
        natPerformHandshake({
          peerId,
          role: 'host',
          signal: sig.link(peerId, true),
          transport: hostT,
          stunServer,
          bindAddress: '127.0.0.1',
          getTurnCredentials: hostTurn,
        }).then(
          (c) => {
            connected.push(c);
            closers.push(() => c.close());
          },
          () => undefined,
        );
      },
      log: quiet,
    });
    bound = host;
    closers.push(() => host.close());
    expect(host.master).toBe(a.url);
    const sessionId = host.lobbyId;
    const join = async (order: string[], onRetry?: (e: Error, next: string) => void): Promise<NatJoined> => {
      const j = await joinThroughMaster({
        master: order,
        lobbyId: sessionId,
        stunServer,
        relay: true,
        identity: generateIdentity(),
        bindAddress: '127.0.0.1',
        onRetry,
      });
      closers.push(() => j.close());
      return j;
    };

    // Host on A, joiner through B: the signalling crosses instances through Redis.
    const first = await join([b.url]);
    expect(first.stats()).toMatchObject({ state: 'connected' });
    await vi.waitFor(() => expect(connected.length).toBeGreaterThanOrEqual(1), WAIT);
    const before = connected.length;

    // A dies mid-session: the ICE path it helped set up keeps working, the host moves to B.
    a.p.child.kill('SIGKILL');
    await a.p.exited;
    await vi.waitFor(() => expect(host.master).toBe(b.url), WAIT);
    expect(host.lobbyId).toBe(sessionId);
    const listed = (await (await fetch(`${b.url}/api/sessions`)).json()) as { sessions: { sessionId: string }[] };
    expect(listed.sessions.map((s) => s.sessionId)).toContain(sessionId);
    expect(first.stats().state).toBe('connected');

    // A new joiner that tries the dead A first retries through B and gets in.
    const retries: string[] = [];
    const second = await join([a.url, b.url], (_e, next) => retries.push(next));
    expect(retries[0]).toBe(b.url);
    expect(second.stats()).toMatchObject({ state: 'connected' });
    await vi.waitFor(() => expect(connected.length).toBeGreaterThan(before), WAIT);
  });
});
