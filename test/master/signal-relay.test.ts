// The cross-instance relay with a fake bus: a joiner admitted by the host's instance gets the
// host's first signal even when 'joined' and that signal arrive in one read, before the hub has
// registered the joiner (found by bench:master: such signals were dropped and the handshake hung).
import { describe, expect, it } from 'vitest';
import { SignalRelay, type LocalSide } from '../../src/master/signal-relay.js';
import { MasterStats } from '../../src/master/stats.js';
import type { RelayMessage, SignalBus } from '../../src/master/store/types.js';
import type { ServerMessage } from '../../src/protocol/master-wire.js';

function fakeBus(): SignalBus & { sent: { to: string; m: RelayMessage }[]; deliver(m: RelayMessage): void } {
  let handler: (m: RelayMessage) => void = () => undefined;
  const sent: { to: string; m: RelayMessage }[] = [];
  return {
    instanceId: 'instB',
    sent,
    bindHost: async () => 'ok',
    releaseHost: async () => undefined,
    hostOf: async () => 'instA',
    send: (to, m) => {
      sent.push({ to, m });
    },
    onMessage: (h) => {
      handler = h;
    },
    deliver: (m) => handler(m),
  };
}

const params = { kind: 'params' as const, attempt: 0, ufrag: 'abcd', pwd: 'p'.repeat(22) };

describe('SignalRelay', () => {
  it('holds a signal that arrives with "joined" until the joiner is registered, then delivers it', async () => {
    const bus = fakeBus();
    const registered = new Map<string, ServerMessage[]>();
    const local: LocalSide = {
      sendToHost: () => false,
      sendToPeer: (peer, m) => {
        const q = registered.get(peer);
        q?.push(m);
        return q !== undefined;
      },
      closePeer: () => undefined,
      peersOf: () => 0,
      addPeers: () => undefined,
    };
    const relay = new SignalRelay(bus, local, new MasterStats());
    const joining = relay.join('sess1', 'peer1', 'instA');
    expect(bus.sent[0]).toEqual({ to: 'instA', m: { k: 'join', sid: 'sess1', peer: 'peer1', from: 'instB' } });
    // One read from Redis: the admission and the host's first signal, synchronously.
    bus.deliver({ k: 'joined', peer: 'peer1' });
    bus.deliver({ k: 'sig', sid: 'sess1', peer: 'peer1', toHost: false, data: params });
    expect(await joining).toEqual({ ok: true });
    registered.set('peer1', []); // the hub registers the joiner once its await resumes ...
    relay.claim('peer1'); // ... and claims what came early
    expect(registered.get('peer1')).toEqual([{ t: 'signal', peerId: 'peer1', data: params }]);
    // Later signals go straight through.
    bus.deliver({ k: 'sig', sid: 'sess1', peer: 'peer1', toHost: false, data: { kind: 'end', attempt: 0 } });
    expect(registered.get('peer1')).toHaveLength(2);
  });

  it('a signal for a joiner nobody is waiting for is not held', () => {
    const bus = fakeBus();
    let delivered = 0;
    const local: LocalSide = {
      sendToHost: () => false,
      sendToPeer: () => {
        delivered++;
        return false;
      },
      closePeer: () => undefined,
      peersOf: () => 0,
      addPeers: () => undefined,
    };
    const relay = new SignalRelay(bus, local, new MasterStats());
    bus.deliver({ k: 'joined', peer: 'stranger' }); // no pending join: ignored
    bus.deliver({ k: 'sig', sid: 's', peer: 'stranger', toHost: false, data: params });
    expect(delivered).toBe(1); // tried once, not buffered
    relay.claim('stranger');
    expect(delivered).toBe(1);
  });
});
