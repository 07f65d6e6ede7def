// The real-time host's periodic service (resends, pings, timeouts) fires only after a whole
// interval with no other service: while datagrams or deferred flushes keep servicing the host
// the timer stays quiet (no wake of its own), and once they stop it fires every interval again.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ServiceScheduler } from '../../src/net/enet/service-scheduler.js';
import { EnetHost } from '../../src/net/enet/host.js';
import { SimNetwork } from '../../src/net/enet/sim-network.js';

const INTERVAL_MS = 25;
/** Activity faster than the interval, like a 60 Hz game's frames. */
const ACTIVITY_MS = 16;

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('ServiceScheduler: the periodic timer', () => {
  it('does not fire while services happen within the interval, and fires each interval once they stop', () => {
    let fromTimer = 0;
    const s = new ServiceScheduler(
      INTERVAL_MS,
      () => fromTimer++,
      () => undefined,
    );
    for (let t = 0; t < 1_000; t += ACTIVITY_MS) {
      vi.advanceTimersByTime(ACTIVITY_MS);
      s.serviced();
    }
    expect(fromTimer).toBe(0);
    vi.advanceTimersByTime(INTERVAL_MS - 1);
    expect(fromTimer).toBe(0);
    vi.advanceTimersByTime(1);
    expect(fromTimer).toBe(1);
    vi.advanceTimersByTime(4 * INTERVAL_MS);
    expect(fromTimer).toBe(5);
    s.stop();
    vi.advanceTimersByTime(4 * INTERVAL_MS);
    expect(fromTimer).toBe(5);
  });

  it('a deferred flush counts as a service', async () => {
    let fromTimer = 0,
      flushes = 0;
    const s = new ServiceScheduler(
      INTERVAL_MS,
      () => fromTimer++,
      () => flushes++,
    );
    for (let t = 0; t < 500; t += ACTIVITY_MS) {
      vi.advanceTimersByTime(ACTIVITY_MS);
      s.flushSoon();
      s.flushSoon(); // coalesced
      await Promise.resolve();
    }
    expect(flushes).toBe(Math.ceil(500 / ACTIVITY_MS));
    expect(fromTimer).toBe(0);
    vi.advanceTimersByTime(INTERVAL_MS);
    expect(fromTimer).toBe(1);
    s.stop();
  });

  it('manual mode arms no timer', () => {
    const s = new ServiceScheduler(
      null,
      () => undefined,
      () => undefined,
    );
    s.serviced();
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('EnetHost in real-time mode: resends still go out when nothing else services it', () => {
  it('a reliable packet to a peer that stopped answering is resent by the timer alone', async () => {
    const net = new SimNetwork({ seed: 7 });
    const a = new EnetHost({ transport: net.createTransport(), clock: net.clock, serviceIntervalMs: INTERVAL_MS, peerLimit: 1 });
    const b = new EnetHost({ transport: net.createTransport(), clock: net.clock, serviceIntervalMs: INTERVAL_MS, peerLimit: 1 });
    try {
      let up = false;
      a.on('connect', () => (up = true));
      a.connect(b.address(), 1, 0);
      for (let i = 0; i < 50 && !up; i++) {
        await new Promise((r) => setImmediate(r));
        net.deliver();
      }
      expect(up).toBe(true);
      const peer = a.peers.find((p) => p.connected)!;
      await new Promise((r) => setImmediate(r));
      const before = net.counts.sent;
      b.destroy(); // never answers again: only a's timer can resend
      peer.send(0, Uint8Array.of(1, 2, 3), { reliable: true });
      await Promise.resolve();
      const sentOnce = net.counts.sent;
      expect(sentOnce).toBe(before + 1);
      // step the simulated clock and the timers together until a resend leaves
      for (let i = 0; i < 200 && net.counts.sent === sentOnce; i++) {
        net.clock.advance(INTERVAL_MS);
        vi.advanceTimersByTime(INTERVAL_MS);
      }
      expect(net.counts.sent).toBeGreaterThan(sentOnce);
    } finally {
      a.destroy();
      b.destroy();
    }
  });
});
