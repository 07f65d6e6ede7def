import { describe, expect, it } from 'vitest';
import { EventEmitter } from 'node:events';
import { relayProgress, PROGRESS_MAX_BYTES, type ProgressGame } from '../../src/sidecar/progress-relay.js';
import { decodeDat } from '../../src/merge/dat.js';
import { fieldsFromProgress } from '../../src/sidecar/progress-fields.js';
import { item, progress } from './arbitraries.js';

const WHO = { playerId: 'p1', name: 'V' };

describe('progress relay (sidecar)', () => {
  it('asks the game on demand, makes a .dat of every valid export, counts refused and oversize ones', () => {
    const ee = new EventEmitter();
    const asked: { requestId: number; factNames: string[] }[] = [];
    const game: ProgressGame = {
      on: (name, h) => {
        ee.on(name, h);
        return () => ee.off(name, h);
      },
      trySend: (_name, m) => (asked.push(m), true),
    };
    const sent: Uint8Array[] = [];
    const relay = relayProgress({ game, send: (dat) => (sent.push(dat), true), who: WHO, factNames: ['q001'], pollMs: 3_600_000 });
    relay.requestNow();
    relay.requestNow();
    expect(asked).toEqual([
      { requestId: 1, factNames: ['q001'] },
      { requestId: 2, factNames: ['q001'] },
    ]);
    const p = progress({ level: 3, xp: 40, quests: { q001: 2 }, inventory: [item('Items.money', { quantity: 7 })] });
    ee.emit('ProgressData', { requestId: 1, ...fieldsFromProgress(p) });
    ee.emit('ProgressData', { requestId: 0, ...fieldsFromProgress({ ...p, xp: 41 }) }); // pushed by the game
    // No protobuf from the game: a bad record id is refused, with its reason counted.
    ee.emit('ProgressData', { requestId: 0, ...fieldsFromProgress(p), items: [{ recordId: '<TDBID:1234>', seed: 0, quantity: 1, quality: 'Common' }] });
    // Valid, but its .dat would not fit one protocol message.
    const many = Array.from({ length: 400 }, (_, i) => ({ recordId: `Items.${'x'.repeat(200)}${i}`, seed: i, quantity: 1, quality: 'Common' }));
    ee.emit('ProgressData', { requestId: 0, ...fieldsFromProgress(p), items: many });
    expect(sent.map((d) => decodeDat(d))).toEqual([p, { ...p, xp: 41 }]);
    expect(relay.counts.forwarded).toBe(2);
    expect(relay.counts.tooBig).toBe(1);
    expect(relay.counts.refused.badRecordId).toBe(1);
    expect(many.length * 200).toBeGreaterThan(PROGRESS_MAX_BYTES);
    relay.stop();
    ee.emit('ProgressData', { requestId: 0, ...fieldsFromProgress(p) });
    expect(sent).toHaveLength(2);
  });
});
