// The bridge's default ring (RING_DEFAULT_BYTES, what the game's plugin creates) holds the
// sidecar's largest frames and its burst at join; a ring filled by a game that stopped reading
// turns entity states away (counted), queues spawns, and never throws.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CODECS, RING_DEFAULT_BYTES, type Bridge } from '../../bridge/index.js';
import { maxPayloadBytes } from '../../bridge/layout.js';
import { bridgeGameLink } from '../../src/sidecar/bridge-adapter.js';
import { ENTITY_STATES_MAX_PER_FRAME } from '../../src/sidecar/entity-batch.js';
import { PROGRESS_MAX_BYTES } from '../../src/sidecar/progress-relay.js';
import { fieldsFromProgress } from '../../src/sidecar/progress-fields.js';
import type { EntityState } from '../../src/sidecar/game-link.js';
import { encodeDat, type ItemSnap, type Progress } from '../../src/merge/index.js';
import { item, progress } from '../merge/arbitraries.js';
import { WAIT, bridgePair, removeSessions } from '../bridge/util.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
  removeSessions();
});

const MAX_PAYLOAD = maxPayloadBytes(RING_DEFAULT_BYTES);
/** The city's join: every proxy in interest spawned and moved in one game frame (≈ 110 in bench:sidecar). */
const JOIN_PROXIES = 1_000;
/** One 20 ms voice frame, 48 kHz mono 16-bit. */
const VOICE_FRAME_BYTES = 960 * 2;
const ZERO = { x: 0, y: 0, z: 0 };
const ROT = { x: 0, y: 0, z: 0, w: 1 };

const state = (id: number): EntityState => ({ entityId: id, pos: { x: id, y: 1, z: 2 }, rot: ROT, vel: ZERO });
const states = (from: number, n: number): EntityState[] => Array.from({ length: n }, (_, i) => state(from + i));

/** The largest progress whose .dat the relay still forwards, made of items `idOf` names. */
function progressAtLimit(idOf: (i: number) => string): Progress {
  const inventory: ItemSnap[] = [];
  for (let i = 0; ; i++) {
    const next: ItemSnap[] = [...inventory, item(idOf(i), { seed: i, quantity: 1 + (i % 7), mods: [`Items.Mod_${i % 5}`], attrs: { damage: i % 9 } })];
    if (encodeDat(progress({ inventory: next })).length > PROGRESS_MAX_BYTES) return progress({ inventory });
    inventory.push(next[next.length - 1]);
  }
}

describe('the default ring size', () => {
  it('carries the largest frame of each kind the sidecar sends', () => {
    expect(CODECS.RemoteEntityStates.size({ tick: 1, states: states(0, ENTITY_STATES_MAX_PER_FRAME) })).toBeLessThanOrEqual(MAX_PAYLOAD);
    expect(CODECS.VoicePlayback.size({ seq: 1, pcm: new Uint8Array(VOICE_FRAME_BYTES) })).toBeLessThanOrEqual(MAX_PAYLOAD);
    // A progress the relay forwards is one an import may apply: short and long record ids.
    for (const idOf of [(i: number) => `A.${i}`, (i: number) => `Items.Preset_Lexington_Collector_${i}`]) {
      const fields = fieldsFromProgress(progressAtLimit(idOf));
      expect(fields.items.length).toBeGreaterThan(100);
      expect(CODECS.ApplyProgress.size({ requestId: 1, ...fields })).toBeLessThanOrEqual(MAX_PAYLOAD);
    }
  });

  const pair = (tag: string): { side: Bridge; game: Bridge } => bridgePair(tag, cleanups, { gameRead: 'poll' });

  it('holds a join burst the game has not read yet: every spawn and every entity state', async () => {
    const { side, game } = pair('join');
    expect(side.ringBytes).toBe(RING_DEFAULT_BYTES);
    const link = bridgeGameLink(side);
    let spawned = 0,
      moved = 0;
    game.on('SpawnProxy', () => spawned++);
    game.on('RemoteEntityStates', (m) => (moved += m.states.length));
    for (let i = 0; i < JOIN_PROXIES; i++) link.spawn(i, 1, `Character.npc_${i}`, ZERO, ROT);
    for (let i = 0; i < JOIN_PROXIES; i += ENTITY_STATES_MAX_PER_FRAME)
      expect(link.entityStates(1, states(i, Math.min(ENTITY_STATES_MAX_PER_FRAME, JOIN_PROXIES - i)))).toBe(true);
    expect(side.counters()).toMatchObject({ queued: 0, refused: 0, dropped: 0 });
    await vi.waitUntil(() => (game.drain(), spawned === JOIN_PROXIES && moved === JOIN_PROXIES), WAIT);
    expect(game.counters().malformed).toBe(0);
  });

  it('filled by a game that stopped reading: states are refused and counted, spawns wait in order, nothing throws', async () => {
    const { side, game } = pair('full');
    const link = bridgeGameLink(side);
    const spawns: number[] = [];
    let frames = 0;
    game.on('SpawnProxy', (m) => spawns.push(m.entityId));
    game.on('RemoteEntityStates', () => frames++);
    // Full to the last frame: ever smaller frames until even one entity's is turned away
    // (as large as a spawn, padded to 8 bytes).
    let sent = 0;
    for (let n = ENTITY_STATES_MAX_PER_FRAME; n >= 1; n = Math.floor(n / 2)) while (link.entityStates(sent, states(0, n))) sent++;
    expect(sent).toBeGreaterThan(RING_DEFAULT_BYTES / CODECS.RemoteEntityStates.size({ tick: 0, states: states(0, ENTITY_STATES_MAX_PER_FRAME) }));
    const refused = side.counters().refused;
    expect(refused).toBeGreaterThan(0);
    for (let i = 0; i < 10; i++) link.spawn(5_000 + i, 1, 'Character.late', ZERO, ROT);
    expect(side.counters().queued).toBe(10);
    expect(link.entityStates(sent, states(0, 1))).toBe(false); // nothing overtakes the queued spawns
    expect(side.counters().refused).toBe(refused + 1);
    await vi.waitUntil(() => (game.drain(), spawns.length === 10), WAIT);
    expect(spawns).toEqual(Array.from({ length: 10 }, (_, i) => 5_000 + i));
    expect(frames).toBe(sent);
    expect(side.counters()).toMatchObject({ queued: 0, dropped: 0 });
    expect(game.counters().malformed).toBe(0);
  });
});
