// The real-time host's periodic service (resends, pings, timeouts) runs only after a whole
// interval with no other service. While datagrams or deferred flushes keep servicing the host,
// its timer looks only every HOST_SERVICE_BUSY_CHECK_MS (a timer pushed back on every service
// still woke Node at its old expiry: service-scheduler.ts) and services nothing; once they stop,
// it services the host within that check and every interval after.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ServiceScheduler } from '../../src/net/enet/service-scheduler.js';
import { HOST_SERVICE_BUSY_CHECK_MS } from '../../src/net/enet/constants.js';
import { EnetHost } from '../../src/net/enet/host.js';
import { SimNetwork } from '../../src/net/enet/sim-network.js';
import { WakeTimers } from '../../src/util/wake-timers.js';

const INTERVAL_MS = 25;
/** Activity faster than the interval, like a 60 Hz game's frames. */
const ACTIVITY_MS = 16;

let nowMs = 0;
/** Advances the faked timers and the scheduler's clock together. */
function advance(ms: number): void {
  for (let i = 0; i < ms; i++) {
    nowMs += 1;
    vi.advanceTimersByTime(1);
  }
}

/** Milliseconds until the first service (steps of 1 ms; gives up after 10 s). */
function msUntilServiced(services: () => number): number {
  const from = services();
  let ms = 0;
  while (services() === from && ms < 10_000) {
    advance(1);
    ms++;
  }
  return ms;
}

beforeEach(() => {
  nowMs = 0;
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
});
afterEach(() => {
  vi.useRealTimers();
});

/** A scheduler counting its services, its flushes and its timer's runs (each one a wake of the
 * process), on the faked timers. */
function counted(): { s: ServiceScheduler; services: () => number; timerRuns: () => number; flushes: () => number } {
  let services = 0,
    flushes = 0,
    runs = 0;
  const timers = {
    setTimeout: (fn: () => void, ms: number) =>
      setTimeout(() => {
        runs++;
        fn();
      }, ms),
    clearTimeout: (h: unknown) => clearTimeout(h as ReturnType<typeof setTimeout>),
  };
  const s = new ServiceScheduler({ intervalMs: INTERVAL_MS, now: () => nowMs, service: () => services++, flush: () => flushes++, timers });
  return { s, services: () => services, timerRuns: () => runs, flushes: () => flushes };
}

describe('ServiceScheduler: the periodic timer', () => {
  it('while services keep coming its timer runs only every busy check and services nothing; once they stop it services each interval', () => {
    const c = counted();
    for (let t = 0; t < 2_000; t += ACTIVITY_MS) {
      advance(ACTIVITY_MS);
      c.s.serviced();
    }
    expect(c.services()).toBe(0);
    // 2 s of activity: a look every 200 ms (plus the first interval), not one per service
    expect(c.timerRuns()).toBeLessThanOrEqual(Math.ceil(2_000 / HOST_SERVICE_BUSY_CHECK_MS) + 1);
    expect(c.timerRuns()).toBeGreaterThan(0);
    // the traffic stops: a later look services the host, at most a busy check (and the
    // interval it must find quiet) after the last service
    expect(msUntilServiced(c.services)).toBeLessThanOrEqual(HOST_SERVICE_BUSY_CHECK_MS + INTERVAL_MS);
    expect(c.services()).toBe(1);
    // then every interval
    advance(4 * INTERVAL_MS);
    expect(c.services()).toBe(5);
    c.s.stop();
    advance(4 * INTERVAL_MS);
    expect(c.services()).toBe(5);
  });

  it('a quiet host is serviced every interval from the start', () => {
    const c = counted();
    advance(INTERVAL_MS - 1);
    expect(c.services()).toBe(0);
    advance(1);
    expect(c.services()).toBe(1);
    advance(3 * INTERVAL_MS);
    expect(c.services()).toBe(4);
    c.s.stop();
  });

  it('a deferred flush counts as a service', async () => {
    const c = counted();
    for (let t = 0; t < 500; t += ACTIVITY_MS) {
      advance(ACTIVITY_MS);
      c.s.flushSoon();
      c.s.flushSoon(); // coalesced
      await Promise.resolve();
    }
    expect(c.flushes()).toBe(Math.ceil(500 / ACTIVITY_MS));
    expect(c.services()).toBe(0);
    expect(msUntilServiced(c.services)).toBeLessThanOrEqual(HOST_SERVICE_BUSY_CHECK_MS + INTERVAL_MS);
    c.s.stop();
  });

  it('manual mode arms no timer', () => {
    const s = new ServiceScheduler({ intervalMs: null, now: () => nowMs, service: () => undefined, flush: () => undefined });
    s.serviced();
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('EnetHost in real-time mode: resends still go out when nothing else services it', () => {
  // the sidecar's timers ride on the game's frames (util/wake-timers.ts); with no frame coming
  // their fallback still services the host
  for (const on of ['Node timers', 'wake timers with no wake'] as const)
    it(`a reliable packet to a peer that stopped answering is resent by the timer alone (${on})`, async () => {
      const net = new SimNetwork({ seed: 7 });
      const timers = on === 'Node timers' ? undefined : new WakeTimers({ clock: net.clock });
      const a = new EnetHost({ transport: net.createTransport(), clock: net.clock, serviceIntervalMs: INTERVAL_MS, peerLimit: 1, timers });
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
