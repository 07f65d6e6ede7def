import { describe, expect, it } from 'vitest';
import { EventEmitter } from 'node:events';
import { relayProgress, PROGRESS_MAX_BYTES, type ProgressGame } from '../../src/sidecar/progress-relay.js';

describe('progress relay (sidecar)', () => {
  it('asks the game on demand and forwards every export, refusing oversize ones', () => {
    const ee = new EventEmitter();
    const asked: number[] = [];
    const game: ProgressGame = {
      on: (name, h) => {
        ee.on(name, h);
        return () => ee.off(name, h);
      },
      trySend: (_name, m) => (asked.push(m.requestId), true),
    };
    const sent: number[] = [];
    const relay = relayProgress({ game, send: (dat) => (sent.push(dat.length), true), pollMs: 3_600_000 });
    relay.requestNow();
    relay.requestNow();
    expect(asked).toEqual([1, 2]);
    ee.emit('ProgressData', { requestId: 1, data: new Uint8Array(10) });
    ee.emit('ProgressData', { requestId: 0, data: new Uint8Array(20) }); // pushed by the game
    ee.emit('ProgressData', { requestId: 0, data: new Uint8Array(PROGRESS_MAX_BYTES + 1) });
    expect(sent).toEqual([10, 20]);
    expect(relay.counts).toEqual({ forwarded: 2, tooBig: 1 });
    relay.stop();
    ee.emit('ProgressData', { requestId: 0, data: new Uint8Array(5) });
    expect(sent).toEqual([10, 20]);
  });
});
