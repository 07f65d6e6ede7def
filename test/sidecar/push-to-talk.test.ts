// Push-to-talk as the sidecar decides it (src/sidecar/push-to-talk.ts), on an injected clock:
// a press with no release is let go after the timeout, a release before it wins, repeated
// presses extend the wait, a menu opening (the scripts send PushToTalkUp) lets go at once;
// and the sidecar's voice hook runs it between the bridge and the voice transmitter.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openBridge } from '../../bridge/index.js';
import { attachVoice } from '../../src/sidecar/voice-hook.js';
import { TxState } from '../../src/voice/transmitter.js';
import { WAIT, removeSessions, sessionName } from '../bridge/util.js';
import { PTT_RELEASE_TIMEOUT_MS, PushToTalkLatch, type PttChange } from '../../src/sidecar/push-to-talk.js';
import { ManualClock } from '../helpers/manual-timers.js';

function latch() {
  const clock = new ManualClock();
  const changes: [number, boolean, PttChange][] = [];
  const ptt = new PushToTalkLatch({ onChange: (down, why) => changes.push([clock.now, down, why]), timers: clock });
  return { clock, changes, ptt };
}

describe('push-to-talk latch', () => {
  it('the timeout is 30 s', () => {
    expect(PTT_RELEASE_TIMEOUT_MS).toBe(30_000);
    expect(latch().ptt.timeoutMs).toBe(PTT_RELEASE_TIMEOUT_MS);
  });

  it('press, then no release: talking until the timeout, then let go once', () => {
    const { clock, changes, ptt } = latch();
    ptt.down();
    clock.advance(PTT_RELEASE_TIMEOUT_MS - 1);
    expect(ptt.held).toBe(true);
    clock.advance(1);
    expect(ptt.held).toBe(false);
    clock.advance(5 * PTT_RELEASE_TIMEOUT_MS);
    expect(changes).toEqual([
      [0, true, 'press'],
      [PTT_RELEASE_TIMEOUT_MS, false, 'timeout'],
    ]);
  });

  it('press, release before the timeout: let go at the release, no timeout later', () => {
    const { clock, changes, ptt } = latch();
    ptt.down();
    clock.advance(2_000);
    ptt.up();
    clock.advance(2 * PTT_RELEASE_TIMEOUT_MS);
    expect(changes).toEqual([
      [0, true, 'press'],
      [2_000, false, 'release'],
    ]);
    expect(clock.pending).toBe(0);
  });

  it('repeated presses keep talking and extend the wait from the last one', () => {
    const { clock, changes, ptt } = latch();
    ptt.down();
    clock.advance(20_000);
    ptt.down();
    clock.advance(20_000);
    ptt.down();
    clock.advance(PTT_RELEASE_TIMEOUT_MS - 1);
    expect(ptt.held).toBe(true);
    clock.advance(1);
    expect(changes).toEqual([
      [0, true, 'press'],
      [40_000 + PTT_RELEASE_TIMEOUT_MS, false, 'timeout'],
    ]);
  });

  it('a menu opening (PushToTalkUp) lets go at once; one with the key not held changes nothing', () => {
    const { clock, changes, ptt } = latch();
    ptt.up();
    ptt.down();
    clock.advance(500);
    ptt.up(); // the menu
    ptt.up(); // and the key's own release after it
    clock.advance(PTT_RELEASE_TIMEOUT_MS);
    expect(changes).toEqual([
      [0, true, 'press'],
      [500, false, 'release'],
    ]);
  });

  it('after close nothing fires and presses are ignored', () => {
    const { clock, changes, ptt } = latch();
    ptt.down();
    ptt.close();
    clock.advance(2 * PTT_RELEASE_TIMEOUT_MS);
    ptt.down();
    expect(changes).toEqual([[0, true, 'press']]);
    expect(clock.pending).toBe(0);
  });
});

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  removeSessions();
});

describe("the sidecar's voice hook", () => {
  it('a PushToTalkDown from the game with its release lost stops transmitting after the timeout, and says so', async () => {
    const session = sessionName('ptt-hook');
    const game = openBridge({ name: session, role: 'game' });
    const side = openBridge({ name: session, role: 'sidecar' });
    cleanups.push(
      () => game.close(),
      () => side.close(),
    );
    const clock = new ManualClock();
    const said: string[] = [];
    const voice = attachVoice(side, { localPeerId: () => 1, nameOf: String, say: (l) => said.push(l), sendToServer: () => undefined, pttTimers: clock });
    cleanups.push(() => voice.close());
    game.send('PushToTalkDown', {});
    await vi.waitUntil(() => voice.tx.state === TxState.transmitting, WAIT);
    clock.advance(PTT_RELEASE_TIMEOUT_MS - 1);
    expect(voice.tx.state).toBe(TxState.transmitting);
    clock.advance(1);
    expect(voice.tx.state).toBe(TxState.idle);
    expect(said).toEqual(['voice: push-to-talk held 30 s with no release: let go']);
  });
});
