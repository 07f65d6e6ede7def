// HostBinding against masters that do not share a store (two embedded masters): when the
// host's master goes away, the next one does not know the session, so the host announces there
// anew and says so; with no master left it keeps trying and binds as soon as one is back.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startMaster, type MasterServer } from '../../src/master/server.js';
import { HostBinding } from '../../src/net/nat/host-binding.js';

const WAIT = { timeout: 20_000, interval: 50 };
const BODY = { name: 'rebind', version: '0.1.0', players: 1, maxPlayers: 4, password: false };
const open: { close(): unknown }[] = [];
afterEach(async () => {
  for (const o of open.splice(0).reverse()) await o.close();
});

async function master(port = 0): Promise<MasterServer> {
  const m = await startMaster({ host: '127.0.0.1', port, turnUris: [] });
  open.push(m);
  return m;
}

const ids = async (m: MasterServer): Promise<string[]> =>
  ((await (await fetch(`${m.url}/api/sessions`)).json()) as { sessions: { sessionId: string }[] }).sessions.map((s) => s.sessionId);

describe('HostBinding across masters without a shared store', () => {
  it('re-announces on the next master (new lobby id, logged) when its master goes away', async () => {
    const a = await master();
    const b = await master();
    const events: string[] = [];
    const log = { info: (o: object) => events.push((o as { event: string }).event), warn: (o: object) => events.push((o as { event: string }).event) };
    const host = await HostBinding.start({ master: [a.url, b.url], body: () => BODY, players: () => 1, onPeer: () => undefined, log });
    open.push(host);
    const first = host.lobbyId;
    expect(await ids(a)).toEqual([first]);
    await a.close();
    await vi.waitFor(() => expect(host.master).toBe(b.url), WAIT);
    await vi.waitFor(async () => expect(await ids(b)).toEqual([host.lobbyId]), WAIT);
    expect(host.lobbyId).not.toBe(first);
    // The lobby id is listed once announced; the log line follows the bind on the new master.
    await vi.waitFor(() => expect(events).toEqual(expect.arrayContaining(['nat.master.lost', 'nat.reannounced'])), WAIT);
  });

  it('with every master gone it keeps trying, and binds when one comes back', async () => {
    const a = await master();
    const port = a.port;
    const host = await HostBinding.start({
      master: [a.url],
      body: () => BODY,
      players: () => 1,
      onPeer: () => undefined,
      log: { info: () => undefined, warn: () => undefined },
    });
    open.push(host);
    await a.close();
    await new Promise((r) => setTimeout(r, 300));
    const back = await master(port);
    await vi.waitFor(async () => expect(await ids(back)).toEqual([host.lobbyId]), WAIT);
  });
});
