// The C snapshot receiver through koffi: its reject names and limits are the header's (one source
// of truth, parsed here), every reject is reachable with its reason, and the receiver keeps its
// history as the sidecar needs it (bases, old ticks, drops, payloads inside larger buffers).
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { SNAPSHOT_REJECTS, SNAP_HISTORY, SNAP_MAX_ENTITIES, snapshotRejectCode } from '../../src/sidecar/snapshot-native.js';
import { BitWriter } from '../../src/protocol/bit-stream.js';
import {
  SnapshotEncoder,
  emptyState,
  FIELD_COUNT,
  MAX_PREDICT_MS,
  MAX_SNAPSHOT_ENTITIES,
  YAW_STEPS,
  type SnapshotState,
} from '../../src/protocol/snapshot-format.js';
import { RECEIVER_HISTORY, SnapshotReceiver } from '../../src/sidecar/snapshot-receiver.js';

const HEADER = readFileSync('native-shims/include/coop_snapshot.h', 'utf8');
const define = (name: string): number => {
  const m = new RegExp(`^#define ${name} (\\d+)u?\\b`, 'm').exec(HEADER);
  expect(m, name).not.toBeNull();
  return Number(m![1]);
};

function stateOf(ids: number[], fill = (id: number, f: number) => (f === 3 ? id % YAW_STEPS : id * 10 + f)): SnapshotState {
  const s = emptyState(ids.length + 1);
  ids.forEach((id, i) => {
    s.ids[i] = id;
    for (let f = 0; f < FIELD_COUNT; f++) s.vals[i * FIELD_COUNT + f] = fill(id, f);
  });
  s.count = ids.length;
  return s;
}
const enc = (cur: SnapshotState, base: SnapshotState | null = null, ms = 25): Uint8Array => new SnapshotEncoder().encode(cur, base, ms).slice();
const bits = (write: (w: BitWriter) => void): Uint8Array => {
  const w = new BitWriter();
  write(w);
  return w.finish().slice();
};
const ids = (s: SnapshotState | null): number[] => (s ? Array.from(s.ids.subarray(0, s.count)) : []);

describe('coop_snapshot.h and the TypeScript side', () => {
  it('name the same rejects with the same codes', () => {
    const named = [...HEADER.matchAll(/^#define COOP_SNAP_\w+ (\d+)\s*\/\* "([a-z-]+)" \*\//gm)].map((m) => [Number(m[1]), m[2]] as const);
    expect(named.length).toBeGreaterThan(0);
    expect(named).toEqual(SNAPSHOT_REJECTS.map((name, i) => [i + 1, name]));
    expect(define('COOP_SNAP_REJECT_LAST')).toBe(SNAPSHOT_REJECTS.length);
    expect(define('COOP_SNAP_OK')).toBe(0);
    expect(snapshotRejectCode('trailing-bytes')).toBe(define('COOP_SNAP_TRAILING_BYTES'));
  });

  it('share the format limits', () => {
    expect(define('COOP_SNAP_FIELD_COUNT')).toBe(FIELD_COUNT);
    expect(define('COOP_SNAP_MAX_ENTITIES')).toBe(MAX_SNAPSHOT_ENTITIES);
    expect(SNAP_MAX_ENTITIES).toBe(MAX_SNAPSHOT_ENTITIES);
    expect(define('COOP_SNAP_MAX_PREDICT_MS')).toBe(MAX_PREDICT_MS);
    expect(define('COOP_SNAP_YAW_STEPS')).toBe(YAW_STEPS);
    expect(define('COOP_SNAP_HISTORY')).toBe(SNAP_HISTORY);
    expect(RECEIVER_HISTORY).toBe(SNAP_HISTORY);
  });
});

describe('SnapshotReceiver (C)', () => {
  const base = stateOf([5, 9]);

  it('rejects each kind of bad payload with its reason, and counts each as a drop', () => {
    const rx = new SnapshotReceiver();
    expect(rx.receive(1, 0, enc(base)).ok).toBe(true);
    let tick = 1;
    const expectReject = (data: Uint8Array, reason: string, baseTick = 1): void => {
      const r = rx.receive(++tick, baseTick, data);
      expect(r.ok ? 'ok' : r.reason).toBe(reason);
    };
    expectReject(new Uint8Array(0), 'truncated', 0);
    expectReject(new Uint8Array(6), 'bad-varint', 0); // 33 zeros of a prefix
    expectReject(
      bits((w) => (w.bit(false), w.ue(0), w.ue(MAX_SNAPSHOT_ENTITIES + 1))),
      'too-many',
      0,
    );
    expectReject(
      bits((w) => (w.bit(false), w.ue(0), w.ue(2), w.ue(2 ** 32 - 1), w.ue(0), w.bits(0, 24))),
      'id-overflow',
      0,
    );
    expectReject(enc(base, base), 'missing-base-entity', 0);
    expectReject(
      bits((w) => (w.bit(true), w.ue(0), w.bits(0b11, 2), w.ue(1), w.ue(5), w.bits(0, 24))),
      'duplicate-id',
    );
    expectReject(
      bits((w) => (w.bit(false), w.ue(MAX_PREDICT_MS + 1))),
      'bad-elapsed',
      0,
    );
    expectReject(new Uint8Array([...enc(base), 0]), 'trailing-bytes', 0);
    expectReject(enc(base, base), 'missing-base', 999);
    expectReject(new Uint8Array(define('COOP_SNAP_MAX_DATA_BYTES') + 1), 'too-long', 0);
    expect(rx.receive(1, 0, enc(base))).toEqual({ ok: false, reason: 'old-tick' }); // held already
    expect(rx.drops).toBe(11);
    expect(rx.newestTick).toBe(1);
    rx.close();
  });

  it('decodes against any held base up to its history, refuses older ticks and bases', () => {
    const rx = new SnapshotReceiver();
    expect(rx.receive(10, 0, enc(base)).ok).toBe(true);
    const moved = stateOf([5, 9, 12], (id, f) => id * 10 + f + 1);
    const r = rx.receive(10 + SNAP_HISTORY - 1, 10, enc(moved, base));
    expect(r.ok && ids(r.state)).toEqual([5, 9, 12]);
    expect(r.ok && Array.from(r.state.vals.subarray(0, FIELD_COUNT))).toEqual(Array.from(moved.vals.subarray(0, FIELD_COUNT)));
    expect(rx.newestTick).toBe(10 + SNAP_HISTORY - 1);
    // the tick 10 is still held, but a base a whole history back is not taken
    expect(rx.receive(10 + SNAP_HISTORY, 10, enc(moved, base))).toEqual({ ok: false, reason: 'missing-base' });
    // half a history behind the newest is too old; an older one not yet held is still taken
    expect(rx.receive(10 + SNAP_HISTORY / 2 - 1, 0, enc(base))).toEqual({ ok: false, reason: 'old-tick' });
    expect(rx.receive(10 + SNAP_HISTORY / 2, 0, enc(base)).ok).toBe(true);
    // not integer ticks ≥ 0: an old tick, a missing base
    for (const t of [-1, 1.5, NaN, Infinity]) expect(rx.receive(t, 0, enc(base))).toEqual({ ok: false, reason: 'old-tick' });
    expect(rx.receive(200, 10.5, enc(moved, base))).toEqual({ ok: false, reason: 'missing-base' });
    expect(ids(rx.state(10))).toEqual([5, 9]);
    expect(rx.state(11)).toBeNull();
    rx.close();
    expect(rx.state(10)).toBeNull();
    expect(rx.receive(300, 0, enc(base))).toEqual({ ok: false, reason: 'old-tick' });
  });

  it('reads a payload inside a larger buffer (a view at an offset) and states larger than its first copy', () => {
    const rx = new SnapshotReceiver();
    const big = stateOf(Array.from({ length: 2000 }, (_, i) => 3 + i * 2));
    const payload = enc(big);
    const host = new Uint8Array(payload.length + 10).fill(0xff);
    host.set(payload, 7);
    const r = rx.receive(1, 0, host.subarray(7, 7 + payload.length));
    expect(r.ok).toBe(true);
    const s = rx.state(1)!;
    expect(ids(s)).toEqual(ids(big));
    expect(Array.from(s.vals.subarray(0, s.count * FIELD_COUNT))).toEqual(Array.from(big.vals.subarray(0, big.count * FIELD_COUNT)));
    rx.close();
  });
});
