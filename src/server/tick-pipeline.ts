// One server tick (DESIGN.md "One tick on the server"), independent of the network so the
// server, the tests and bench/server.bench.ts all run the same code:
// simulate -> quantise -> per client: interest query + diff -> InterestAdd/Remove -> snapshot.
import { encodeMsg } from '../protocol/codec.js';
import { encodeSnapshotEnvelope } from '../protocol/snapshot-envelope.js';
import { InterestManager, InterestState } from './interest.js';
import { SnapshotWriter, ClientSnapshots } from './snapshot-writer.js';
import type { World } from './world.js';
import type { NpcSim } from './npc-sim.js';
import { INPUT_LEAD_MAX_US } from './constants.js';

/** What the pipeline needs of a connection (Connection implements it). */
export interface TickClient {
  readonly avatarId: number;
  readonly interest: InterestState;
  readonly snaps: ClientSnapshots;
  /** False until the handshake is done: no interest or snapshots yet. */
  readonly inWorld: boolean;
  /** Interest centre when it is not the avatar (a spectator's camera, SA-1); null = the avatar. */
  readonly view?: { readonly x: number; readonly y: number } | null;
  /** Server ms at which the newest PlayerState arrived (-Infinity: none yet). */
  readonly inputArrivedMs?: number;
}

/** bytes may be a view into a buffer the pipeline reuses: send (the transport copies) or copy it now. */
export type TickOutput = (client: TickClient, kind: 'interest' | 'snapshot', bytes: Uint8Array) => void;

export interface TickStats {
  clients: number;
  interestTotal: number;
  snapshotBytes: number;
  added: number;
  removed: number;
}

export class TickPipeline {
  readonly world: World;
  readonly sim: NpcSim | null;
  readonly interest: InterestManager;
  readonly writer = new SnapshotWriter();
  readonly stats: TickStats = { clients: 0, interestTotal: 0, snapshotBytes: 0, added: 0, removed: 0 };
  #added: number[] = [];
  #removed: number[] = [];
  readonly #envelope = { buf: new Uint8Array(4096) };
  /** Sum of the ticks' simulated time, ms: snapshot deltas predict positions across it. */
  #simTimeMs = 0;
  /** The previous tick's start (server ms): inputs after it are this tick's. */
  #prevTickAtMs = -Infinity;

  constructor(world: World, sim: NpcSim | null) {
    this.world = world;
    this.sim = sim;
    this.interest = new InterestManager(world);
  }

  run(tick: number, serverTimeMs: number, tickMs: number, clients: Iterable<TickClient>, out: TickOutput): void {
    const world = this.world,
      st = this.stats;
    st.clients = 0;
    st.interestTotal = 0;
    st.snapshotBytes = 0;
    st.added = 0;
    st.removed = 0;
    this.sim?.step(tickMs / 1000);
    this.#simTimeMs += tickMs;
    world.quantiseAll();
    const added = this.#added,
      removed = this.#removed;
    for (const c of clients) {
      if (!c.inWorld || !world.isAlive(c.avatarId)) continue;
      added.length = 0;
      removed.length = 0;
      const v = c.view;
      this.interest.update(c.interest, v ? v.x : world.x[c.avatarId], v ? v.y : world.y[c.avatarId], c.avatarId, added, removed);
      if (removed.length) out(c, 'interest', encodeMsg({ interestRemove: { generation: c.interest.generation, ids: removed } }));
      if (added.length) {
        const entities = added.map((id) => ({ id, kind: world.kind[id], ownerPeerId: world.owner[id], name: world.names[id] ?? '' }));
        out(c, 'interest', encodeMsg({ interestAdd: { generation: c.interest.generation, entities } }));
      }
      const w = this.writer.write(c.snaps, tick, c.interest.members, world, this.#simTimeMs, c.interest.generation);
      const inputLeadUs = inputLead(c.inputArrivedMs ?? -Infinity, this.#prevTickAtMs, serverTimeMs);
      const bytes = encodeSnapshotEnvelope({ tick, baseTick: w.baseTick, serverTimeMs, tickMs, inputLeadUs }, w.data, this.#envelope);
      out(c, 'snapshot', bytes);
      st.clients++;
      st.interestTotal += w.count;
      st.snapshotBytes += bytes.length;
      st.added += added.length;
      st.removed += removed.length;
    }
    this.#prevTickAtMs = serverTimeMs;
  }
}

/** Snapshot.input_lead_us: how long before this tick began its newest input arrived (≥ 1 µs, so
 * that 0 can mean none since the previous tick), capped at INPUT_LEAD_MAX_US. */
export function inputLead(arrivedMs: number, prevTickAtMs: number, tickAtMs: number): number {
  if (!(arrivedMs > prevTickAtMs) || arrivedMs > tickAtMs) return 0;
  return Math.min(INPUT_LEAD_MAX_US, Math.max(1, Math.round((tickAtMs - arrivedMs) * 1000)));
}
