// The game's proxies in C (native-shims/sidecar/proxies.c) against the TypeScript they stand in
// for: a Sidecar (sidecar.ts, entity-batch.ts) over the real bridge (bridge-adapter.ts) writes one
// region's sidecar -> game ring, the C writes another's, both driven by the same randomised
// sequences (entities announced, sampled moving or standing still, leaving, unknown ids, the
// session lost, a game that stops reading so the ring fills); a game reading both rings must get
// the same frames, byte for byte, at the same reads. The C frames are also decoded with the
// TypeScript generated codec (so a manifest change that the hand-written encoders miss fails here).
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { CODECS, FrameReader, loadNative, openBridge, type Bridge } from '../../bridge/index.js';
import { BRIDGE_ABI_VERSION, ROLE_CODE } from '../../bridge/layout.js';
import { BRIDGE_OUT_QUEUE_MAX_BYTES, BRIDGE_OUT_RETRY_MS } from '../../bridge/constants.js';
import { SCHEMA_HASH, MESSAGE_IDS } from '../../bridge/generated/types.js';
import { bridgeGameLink } from '../../src/sidecar/bridge-adapter.js';
import { ENTITY_STATES_MAX_PER_FRAME } from '../../src/sidecar/entity-batch.js';
import type { InterpolatedEntity } from '../../src/sidecar/interpolator.js';
import { OUT_STRIDE, O_EXTRAPOLATED, O_ID, O_VX, O_VY, O_VZ, O_X, O_Y, O_Z, O_YAW } from '../../src/sidecar/interp-native.js';
import type { CoopClient } from '../../src/sidecar/session.js';
import { Sidecar, sampleTickUs } from '../../src/sidecar/sidecar.js';
import { EntityKind } from '../../src/protocol/schema.gen.js';
import { loadProxiesNative, PROXIES_ERR_ARGS, PROXIES_ERR_BAD_NAME, PROXIES_ERR_TOO_LONG, PROXIES_OK, type ProxiesHandle } from './proxies-binding.js';
import { removeSessions, sessionName } from '../bridge/util.js';
import { seededRandom } from '../../src/util/random.js';

const native = loadNative();
const proxies = loadProxiesNative();
const HEADER = readFileSync('native-shims/include/coop_proxies.h', 'utf8');
const headerNumber = (name: string): number => {
  const m = new RegExp(`#define ${name} \\(?([^/\\n]+?)\\)?\\s*(/\\*|$)`, 'm').exec(HEADER);
  if (!m) throw new Error(`${name} not in coop_proxies.h`);
  return Function(`return (${m[1].replace(/u/g, '')})`)() as number;
};

/** A frame the game read: its type and payload bytes. */
interface Got {
  type: number;
  hex: string;
}
/** Largest payload the tests' rings carry (a quarter of the 1 MiB ring). */
const READ_BUF_BYTES = 256 * 1024;
/** Rings that fill after a few frames of the random runs' entities. */
const SMALL_RING_BYTES = 64 * 1024;
const BIG_RING_BYTES = 1024 * 1024;
/** Waiting this long lets the bridge's outbox retry (BRIDGE_OUT_RETRY_MS) run at least once. */
const OUTBOX_SETTLE_MS = BRIDGE_OUT_RETRY_MS + 2;
/** Entities the random runs know at most: their states fit one frame of the small ring. */
const MAX_RANDOM_ENTITIES = 150;
const RANDOM_STEPS = 600;
/** Every so many steps the game stops reading for LONG_STALL_STEPS (the ring fills, spawns queue). */
const LONG_STALL_EVERY = 200;
const LONG_STALL_STEPS = 80;

/** sidecar.ts BRIDGE_KIND: the protocol's kind to the bridge's (0 avatar, 1 NPC, 2 vehicle). */
const bridgeKind = (k: number): number => ({ [EntityKind.KIND_AVATAR]: 0, [EntityKind.KIND_NPC]: 1, [EntityKind.KIND_VEHICLE]: 2 })[k] ?? 1;

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  removeSessions();
});

/** The game's end of a region: reads ring 1 with the shim's own frame reader. */
function gameReader(session: string, ringBytes: number) {
  const h = native.open(session, ROLE_CODE.game, ringBytes, BRIDGE_ABI_VERSION, SCHEMA_HASH);
  if (!h) throw new Error('no handle');
  expect(native.status(h)).toBe(0);
  cleanups.push(() => native.close(h));
  const type = new Uint16Array(1),
    len = new Uint32Array(1),
    buf = new Uint8Array(READ_BUF_BYTES);
  return {
    /** Up to max frames (all by default). */
    read(max = Infinity): Got[] {
      const out: Got[] = [];
      while (out.length < max) {
        const rc = native.readFrame(h, type, buf, buf.byteLength, len);
        if (rc === 0) break;
        expect(rc).toBe(1);
        out.push({ type: type[0], hex: Buffer.from(buf.subarray(0, len[0])).toString('hex') });
      }
      return out;
    },
  };
}

/** The TypeScript path: a Sidecar with a stand-in client over a real bridge. */
function tsSide(ringBytes: number) {
  const s = sessionName('pts');
  const bridge: Bridge = openBridge({ name: s, role: 'sidecar', ringBytes, closeOnPeerGone: false, peerTimeoutMs: 600_000 });
  cleanups.push(() => bridge.close());
  const game = gameReader(s, ringBytes);
  const known = new Map<number, { kind: number; name: string }>();
  let rows: InterpolatedEntity[] = [];
  let now = 0;
  // CoopClient.sample: the interpolator's entities that are known; interp: what pacing touches
  const client = {
    known,
    sample: () => rows.filter((e) => known.has(e.id)),
    interp: { pathAheadMs: null, interpDelayMs: 100 },
    tickMs: 50,
  } as unknown as CoopClient;
  const sidecar = new Sidecar(bridgeGameLink(bridge), client, () => now);
  cleanups.push(() => sidecar.close());
  return {
    bridge,
    game,
    sidecar,
    known(id: number, kind: number, name: string) {
      if (!known.has(id)) known.set(id, { kind, name });
    },
    forget(id: number) {
      if (known.delete(id)) sidecar.despawned(id);
    },
    forgetAll() {
      sidecar.forgetAll();
      known.clear();
    },
    frame(nowMs: number, sampled: InterpolatedEntity[]) {
      now = nowMs;
      rows = sampled;
      sidecar.frame();
    },
  };
}

/** The C path: coop_proxies over a region held in the sidecar role. */
function cSide(ringBytes: number) {
  const s = sessionName('pc');
  const region = native.open(s, ROLE_CODE.sidecar, ringBytes, BRIDGE_ABI_VERSION, SCHEMA_HASH);
  if (!region) throw new Error('no handle');
  expect(native.status(region)).toBe(0);
  cleanups.push(() => native.close(region));
  const game = gameReader(s, ringBytes);
  const p = proxies.create() as ProxiesHandle;
  expect(p).toBeTruthy();
  cleanups.push(() => proxies.destroy(p));
  let rows = new Float64Array(0);
  return {
    p,
    game,
    region,
    known(id: number, kind: number, name: string): number {
      const b = Buffer.from(name, 'utf8');
      return proxies.known(p, id, bridgeKind(kind), b.byteLength ? b : null, b.byteLength);
    },
    forget(id: number): number {
      return proxies.forget(p, region, id);
    },
    forgetAll() {
      proxies.forgetAll(p, region);
    },
    frame(nowMs: number, sampled: InterpolatedEntity[]): number {
      if (rows.length < sampled.length * OUT_STRIDE) rows = new Float64Array(sampled.length * OUT_STRIDE);
      sampled.forEach((e, i) => {
        const r = i * OUT_STRIDE;
        rows[r + O_ID] = e.id;
        rows[r + O_X] = e.x;
        rows[r + O_Y] = e.y;
        rows[r + O_Z] = e.z;
        rows[r + O_YAW] = e.yaw;
        rows[r + O_VX] = e.vx;
        rows[r + O_VY] = e.vy;
        rows[r + O_VZ] = e.vz;
        rows[r + O_EXTRAPOLATED] = e.extrapolated ? 1 : 0;
      });
      return proxies.frame(p, region, sampleTickUs(nowMs), rows, sampled.length);
    },
  };
}

/** Decodes one frame with the generated codec (asserting it is well-formed). */
function decode(g: Got) {
  const name = Object.entries(MESSAGE_IDS).find(([, id]) => id === g.type)?.[0] as keyof typeof CODECS | undefined;
  expect(name).toBeDefined();
  const bytes = Buffer.from(g.hex, 'hex');
  const ab = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  const r = new FrameReader(ab);
  r.reset(0, bytes.byteLength);
  const msg = CODECS[name!].read(r);
  expect(r.ok).toBe(true);
  expect(r.pos).toBe(bytes.byteLength);
  return { name: name!, msg };
}

const NAMES = ['', 'Character.Judy', 'Vehicle.v_sport1_quadra_turbo', 'Ünïcödé ✓ 🚗', 'x'.repeat(300)];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Both paths side by side; every read of the game compares them. */
function pair(ringBytes: number) {
  const ts = tsSide(ringBytes);
  const c = cSide(ringBytes);
  const all: Got[] = [];
  let cWritten = 0,
    maxWaiting = 0;
  return {
    ts,
    c,
    all,
    get cWritten() {
      return cWritten;
    },
    read(max = Infinity) {
      const a = ts.game.read(max),
        b = c.game.read(max);
      expect(b).toEqual(a);
      for (const g of b) {
        const d = decode(g);
        if (d.name === 'RemoteEntityStates') cWritten -= (d.msg as { states: unknown[] }).states.length;
      }
      all.push(...b);
      return b;
    },
    /** Before anything that writes: the bridge's outbox retries (the C flushes on its next call). */
    async settle() {
      if (ts.bridge.counters().queued > 0) await sleep(OUTBOX_SETTLE_MS);
    },
    async frame(nowMs: number, sampled: InterpolatedEntity[]) {
      await this.settle();
      ts.frame(nowMs, sampled);
      const n = c.frame(nowMs, sampled);
      expect(n).toBeGreaterThanOrEqual(0);
      cWritten += n;
      expect(proxies.spawnedCount(c.p)).toBe(ts.sidecar.spawned.size);
    },
    async forget(id: number) {
      await this.settle();
      ts.forget(id);
      expect(c.forget(id)).toBe(PROXIES_OK);
    },
    /** The outbox's retry against coop_proxies_flush: the same frames still wait. */
    async flush() {
      await this.settle();
      const waiting = proxies.flush(c.p, c.region);
      expect(waiting).toBe(ts.bridge.counters().queued);
      maxWaiting = Math.max(maxWaiting, waiting);
    },
    /** The most frames a flush left waiting. */
    get maxWaiting() {
      return maxWaiting;
    },
    async forgetAll() {
      await this.settle();
      ts.forgetAll();
      c.forgetAll();
      expect(proxies.spawnedCount(c.p)).toBe(0);
    },
    known(id: number, kind: number, name: string) {
      ts.known(id, kind, name);
      expect(c.known(id, kind, name)).toBe(PROXIES_OK);
    },
  };
}

describe('coop_proxies (C) writes what the TypeScript Sidecar writes', () => {
  it('has the limits of the TypeScript it stands in for', () => {
    expect(headerNumber('COOP_PROXIES_STATES_MAX_PER_FRAME')).toBe(ENTITY_STATES_MAX_PER_FRAME);
    expect(headerNumber('COOP_PROXIES_PENDING_MAX_BYTES')).toBe(BRIDGE_OUT_QUEUE_MAX_BYTES);
    expect(MESSAGE_IDS.SpawnProxy).toBe(10);
  });

  it('spawns on first sight, sends only what changed (by the doubles), despawns, byte for byte', async () => {
    const P = pair(BIG_RING_BYTES);
    P.known(7, EntityKind.KIND_AVATAR, 'Character.Judy');
    P.known(0xffffffff, EntityKind.KIND_VEHICLE, 'Vehicle.v_sport1_quadra_turbo');
    P.known(7, EntityKind.KIND_NPC, 'ignored: known again');
    const a: InterpolatedEntity = { id: 7, x: 1.5, y: -2.25, z: 3, yaw: 0.7, vx: 1, vy: 0, vz: -0.5, extrapolated: false };
    const v: InterpolatedEntity = { id: 0xffffffff, x: 100, y: 200, z: 0, yaw: -3, vx: 0, vy: 0, vz: 0, extrapolated: true };
    const stranger: InterpolatedEntity = { ...a, id: 99 };
    await P.frame(1000.4, [a, stranger, v]);
    let got = P.read().map(decode);
    expect(got.map((d) => d.name)).toEqual(['SpawnProxy', 'SpawnProxy', 'RemoteEntityStates']);
    expect(got[0].msg).toMatchObject({ entityId: 7, kind: 0, template: 'Character.Judy', pos: { x: 1.5, y: -2.25, z: 3 } });
    expect(got[1].msg).toMatchObject({ entityId: 0xffffffff, kind: 2 });
    expect(got[2].msg).toMatchObject({ tick: 1000400, states: [{ entityId: 7 }, { entityId: 0xffffffff }] });
    const rot = (got[2].msg as { states: { rot: { z: number; w: number } }[] }).states[0].rot;
    expect(rot.z).toBeCloseTo(Math.sin(0.35), 6);
    expect(rot.w).toBeCloseTo(Math.cos(0.35), 6);
    // standing still: nothing; a change below a float's resolution: sent again (the doubles differ)
    await P.frame(1016, [a, v]);
    expect(P.read()).toEqual([]);
    await P.frame(1032, [{ ...a, x: a.x + 1e-12 }, v]);
    got = P.read().map(decode);
    expect(got.map((d) => d.name)).toEqual(['RemoteEntityStates']);
    expect(got[0].msg).toMatchObject({ states: [{ entityId: 7, pos: { x: 1.5 } }] });
    await P.forget(7);
    await P.forget(12345); // never known: nothing
    await P.frame(1048, [a, v]); // 7 no longer known: skipped
    got = P.read().map(decode);
    expect(got.map((d) => d.name)).toEqual(['DespawnProxy']);
    expect(got[0].msg).toEqual({ entityId: 7 });
    P.known(7, EntityKind.KIND_UNSPECIFIED, '');
    await P.frame(1064, [a, v]);
    got = P.read().map(decode);
    expect(got.map((d) => d.name)).toEqual(['SpawnProxy', 'RemoteEntityStates']);
    expect(got[0].msg).toMatchObject({ entityId: 7, kind: 1, template: '' });
    await P.forgetAll();
    got = P.read().map(decode);
    expect(got.map((d) => [d.name, (d.msg as { entityId: number }).entityId])).toEqual([
      ['DespawnProxy', 0xffffffff],
      ['DespawnProxy', 7],
    ]);
    expect(P.cWritten).toBe(0);
  });

  it('writes what the TypeScript writes for an id sampled twice in a frame, and for NaN, infinite and huge values', async () => {
    const P = pair(BIG_RING_BYTES);
    P.known(1, EntityKind.KIND_NPC, 'a');
    P.known(2, EntityKind.KIND_AVATAR, 'b');
    const base = { x: 1, y: 2, z: 3, yaw: 0.5, vx: 0, vy: 0, vz: 0, extrapolated: false };
    // 1 twice with different values: spawned with the first, both states carry the last (one object in TypeScript)
    await P.frame(100, [
      { ...base, id: 1 },
      { ...base, id: 2 },
      { ...base, id: 1, x: 9 },
    ]);
    let got = P.read().map(decode);
    expect(got.map((d) => d.name)).toEqual(['SpawnProxy', 'SpawnProxy', 'RemoteEntityStates']);
    expect(got[0].msg).toMatchObject({ entityId: 1, pos: { x: 1 } });
    expect((got[2].msg as { states: { entityId: number; pos: { x: number } }[] }).states.map((s) => [s.entityId, s.pos.x])).toEqual([
      [1, 9],
      [2, 1],
      [1, 9],
    ]);
    // twice with the same values: once
    await P.frame(116, [
      { ...base, id: 1 },
      { ...base, id: 1 },
    ]);
    got = P.read().map(decode);
    expect((got[0].msg as { states: unknown[] }).states).toHaveLength(1);
    // NaN never equals itself (sent every frame); ±Infinity and 1e300 (Infinity as a float) like any value
    for (const t of [132, 148, 164])
      await P.frame(t, [
        { ...base, id: 1, x: NaN, yaw: Infinity },
        { ...base, id: 2, y: 1e300, vz: -Infinity, z: -0 },
      ]);
    got = P.read().map(decode);
    expect(got.map((d) => (d.msg as { states: unknown[] }).states.length)).toEqual([2, 1, 1]);
    expect(P.cWritten).toBe(0);
  });

  it('splits a large frame into chunks of COOP_PROXIES_STATES_MAX_PER_FRAME, as entity-batch.ts does', async () => {
    const P = pair(BIG_RING_BYTES);
    const N = 2 * ENTITY_STATES_MAX_PER_FRAME + 300;
    const rows: InterpolatedEntity[] = [];
    for (let i = 0; i < N; i++) {
      const id = (i * 2654435761) >>> 0;
      P.known(id, EntityKind.KIND_NPC, `npc${i}`);
      rows.push({ id, x: i, y: -i, z: i / 7, yaw: (i % 628) / 100 - 3.14, vx: 1, vy: 2, vz: 3, extrapolated: false });
    }
    await P.frame(5, rows);
    const got = P.read();
    expect(got.length).toBe(N + 3);
    const sizes = got.filter((g) => g.type === MESSAGE_IDS.RemoteEntityStates).map((g) => (decode(g).msg as { states: unknown[] }).states.length);
    expect(sizes).toEqual([ENTITY_STATES_MAX_PER_FRAME, ENTITY_STATES_MAX_PER_FRAME, 300]);
    expect(P.cWritten).toBe(0);
    expect(proxies.spawnedCount(P.c.p)).toBe(N);
  });

  for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
    it(`random run ${seed}: entities appear, move, stand still, leave; unknown ids; the ring fills`, async () => {
      const rnd = seededRandom(seed);
      const P = pair(SMALL_RING_BYTES);
      const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
      const ids: number[] = []; // known, as the session knows them
      const last = new Map<number, InterpolatedEntity>();
      const randomId = () => (rnd() < 0.5 ? Math.floor(rnd() * 1000) : Math.floor(rnd() * 2 ** 32));
      let now = 10_000 + rnd() * 1000;
      let gameStalled = 0;
      let sawQueued = 0,
        sawRefused = 0;
      for (let step = 0; step < RANDOM_STEPS; step++) {
        const r = rnd();
        if (r < 0.1 && ids.length < MAX_RANDOM_ENTITIES) {
          for (let k = Math.floor(rnd() * 20); k > 0; k--) {
            const id = randomId();
            P.known(id, pick([0, 1, 2, 3, 9]), pick(NAMES));
            if (!ids.includes(id)) ids.push(id);
          }
        } else if (r < 0.16 && ids.length > 0) {
          const id = rnd() < 0.8 ? ids.splice(Math.floor(rnd() * ids.length), 1)[0] : randomId();
          if (!ids.includes(id)) last.delete(id);
          await P.forget(id);
        } else if (r < 0.18) {
          await P.flush();
        } else if (r < 0.185) {
          await P.forgetAll();
          ids.length = 0;
          last.clear();
        } else {
          now += 16 + rnd() * 2;
          const sampled: InterpolatedEntity[] = [];
          for (const id of ids) {
            if (rnd() < 0.1) continue; // not in the interpolator's sample
            const prev = last.get(id);
            const still = prev && rnd() < 0.4;
            const e: InterpolatedEntity = still
              ? prev
              : {
                  id,
                  x: (rnd() - 0.5) * 4000,
                  y: (rnd() - 0.5) * 4000,
                  z: rnd() * 50,
                  yaw: (rnd() * 2 - 1) * Math.PI,
                  vx: rnd() < 0.3 ? 0 : (rnd() - 0.5) * 20,
                  vy: (rnd() - 0.5) * 20,
                  vz: rnd() < 0.5 ? 0 : -0,
                  extrapolated: rnd() < 0.2,
                };
            last.set(id, e);
            sampled.push(e);
          }
          // now and then an id twice (the interpolator never does; the two must still agree)
          if (sampled.length > 0 && rnd() < 0.05) sampled.push({ ...sampled[0], x: rnd() < 0.5 ? sampled[0].x : rnd() });
          // ids the session does not know (sampled all the same), one out of u32 range
          for (let k = Math.floor(rnd() * 4); k > 0; k--) {
            const id = k === 3 ? 2 ** 32 + 5 : randomId();
            if (!ids.includes(id)) sampled.push({ id, x: rnd(), y: rnd(), z: rnd(), yaw: rnd(), vx: 0, vy: 0, vz: 0, extrapolated: false });
          }
          for (let i = sampled.length - 1; i > 0; i--) {
            const j = Math.floor(rnd() * (i + 1));
            [sampled[i], sampled[j]] = [sampled[j], sampled[i]];
          }
          await P.frame(now, sampled);
        }
        const counters = P.ts.bridge.counters();
        sawQueued = Math.max(sawQueued, counters.queued);
        sawRefused = counters.refused;
        // the game: reads everything most frames; sometimes stalls for a while, or reads a few
        if (step % LONG_STALL_EVERY === LONG_STALL_EVERY - 1)
          gameStalled = LONG_STALL_STEPS; // the ring fills for sure
        else if (gameStalled > 0) {
          if (--gameStalled === 0) await P.flush(); // into the ring still full: what waits stays
        } else if (rnd() < 0.05) gameStalled = 10 + Math.floor(rnd() * 60);
        else P.read(rnd() < 0.2 ? Math.floor(rnd() * 4) : Infinity);
      }
      await P.forgetAll();
      for (let k = 0; k < 200 && P.ts.bridge.counters().queued > 0; k++) {
        P.read();
        await P.flush();
      }
      P.read();
      expect(P.ts.bridge.counters().queued).toBe(0);
      expect(P.ts.bridge.counters().dropped).toBe(0);
      expect(P.c.game.read()).toEqual([]);
      // the run exercised what it is about
      const names = new Set(P.all.map((g) => g.type));
      expect([...names].sort()).toEqual([MESSAGE_IDS.SpawnProxy, MESSAGE_IDS.DespawnProxy, MESSAGE_IDS.RemoteEntityStates].sort((x, y) => x - y));
      expect(sawRefused).toBeGreaterThan(0);
      expect(sawQueued).toBeGreaterThan(0);
      expect(P.maxWaiting).toBeGreaterThan(0); // a flush into a full ring left frames waiting, as the outbox
      expect(P.cWritten).toBe(0); // every state C said it wrote was read
    });
  }

  it('refuses names that are too long or not UTF-8, and bad arguments, without knowing the entity', () => {
    const c = cSide(BIG_RING_BYTES);
    const max = headerNumber('COOP_PROXIES_NAME_MAX_BYTES');
    const long = Buffer.alloc(max + 1, 0x61);
    expect(proxies.known(c.p, 1, 0, long, long.byteLength)).toBe(PROXIES_ERR_TOO_LONG);
    expect(proxies.known(c.p, 1, 0, long, max)).toBe(PROXIES_OK);
    expect(proxies.known(c.p, 1, 0, Buffer.from([0xff]), 1)).toBe(PROXIES_OK); // known again: ignored, name and all
    for (const bad of [[0xff], [0xc0, 0x80], [0xe0, 0x80, 0x80], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xe2, 0x82], [0x80]]) {
      const b = Buffer.from(bad);
      expect(proxies.known(c.p, 2, 0, b, b.byteLength)).toBe(PROXIES_ERR_BAD_NAME);
    }
    expect(proxies.known(c.p, 2, 0, null, 3)).toBe(PROXIES_ERR_ARGS);
    const rows = new Float64Array(OUT_STRIDE * 3);
    rows[O_ID] = 2; // refused above: not known
    rows[OUT_STRIDE + O_ID] = 1.5; // not an integer
    rows[2 * OUT_STRIDE + O_ID] = NaN;
    expect(proxies.frame(c.p, c.region, 0, rows, 3)).toBe(0);
    expect(proxies.frame(c.p, c.region, 0, rows, -1)).toBe(PROXIES_ERR_ARGS);
    rows[O_ID] = 1;
    expect(proxies.frame(c.p, c.region, 0, rows, 3)).toBe(1);
    expect(proxies.spawnedCount(c.p)).toBe(1);
    const got = c.game.read().map(decode);
    expect(got[0].msg).toMatchObject({ entityId: 1, template: 'a'.repeat(max) });
  });
});
