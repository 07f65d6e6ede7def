// bench:server's spatial index comparison (docs/benchmarks.md#benchserver): the project's
// SpatialGrid (dense cells, and Map cells only) against rbush and a plain scan, on the same
// moving city workload: 30 rounds of every entity moved then 256 interest queries.
import RBush from 'rbush';
import { SpatialGrid } from '../src/server/spatial-grid.js';
import { INTEREST_RADIUS_M } from '../src/protocol/constants.js';
import { buildWorld, TICK_MS } from './server-workload.js';

/** Grid vs rbush vs plain scan on the same moving workload: (moves + queries) per second. */
export function spatialRun(seed: number): { dense: number; map: number; rbush: number; brute: number } {
  const ROUNDS = 30;
  const { world, sim, clients } = buildWorld(256, 10_000, seed);
  const n = world.idLimit;
  const frames: Float64Array[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    sim.step(TICK_MS / 1000);
    frames.push(Float64Array.from({ length: 2 * n }, (_, i) => (i % 2 ? world.y[i >> 1] : world.x[i >> 1])));
  }
  const qs = clients.map((c) => [world.x[c.avatarId], world.y[c.avatarId]] as const);
  const ids: number[] = [];
  for (let id = 1; id < n; id++) if (world.isAlive(id)) ids.push(id);
  const ops = ROUNDS * (ids.length + qs.length);
  const R = INTEREST_RADIUS_M,
    out: number[] = [];
  let check = 0;
  const timeIt = (fn: () => void): number => {
    const t0 = performance.now();
    fn();
    return ops / ((performance.now() - t0) / 1000);
  };

  const gridOps = (half: number) => {
    const g = new SpatialGrid({ halfExtentM: half });
    for (const id of ids) g.add(id, frames[0][2 * id], frames[0][2 * id + 1]);
    return timeIt(() => {
      for (const f of frames) {
        for (const id of ids) g.move(id, f[2 * id], f[2 * id + 1]);
        for (const [x, y] of qs) {
          check += g.query(x, y, R, out);
        }
      }
    });
  };
  type Item = { minX: number; minY: number; maxX: number; maxY: number; id: number };
  const rbushOps = () => {
    const tree = new RBush<Item>();
    const items: Item[] = [];
    for (const id of ids) {
      const x = frames[0][2 * id],
        y = frames[0][2 * id + 1];
      items[id] = { minX: x, minY: y, maxX: x, maxY: y, id };
      tree.insert(items[id]);
    }
    return timeIt(() => {
      for (const f of frames) {
        for (const id of ids) {
          const it = items[id];
          tree.remove(it);
          it.minX = it.maxX = f[2 * id];
          it.minY = it.maxY = f[2 * id + 1];
          tree.insert(it);
        }
        for (const [x, y] of qs) {
          out.length = 0;
          for (const it of tree.search({ minX: x - R, minY: y - R, maxX: x + R, maxY: y + R }))
            if ((it.minX - x) ** 2 + (it.minY - y) ** 2 <= R * R) out.push(it.id);
          check += out.length;
        }
      }
    });
  };
  const bruteOps = () => {
    const px = new Float64Array(n),
      py = new Float64Array(n);
    return timeIt(() => {
      for (const f of frames) {
        for (const id of ids) {
          px[id] = f[2 * id];
          py[id] = f[2 * id + 1];
        }
        for (const [x, y] of qs) {
          out.length = 0;
          for (const id of ids) if ((px[id] - x) ** 2 + (py[id] - y) ** 2 <= R * R) out.push(id);
          check += out.length;
        }
      }
    });
  };
  const res = { dense: gridOps(8192), map: gridOps(0), rbush: rbushOps(), brute: bruteOps() };
  if (check < 0) console.log(check);
  return res;
}
