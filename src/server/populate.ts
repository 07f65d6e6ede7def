// Fills a fresh world with wandering NPCs and looping vehicles around the origin.
import type { CoopServer } from './server.js';
import { seededRandom } from '../util/random.js';

export interface PopulateOptions {
  npcs: number;
  vehicles: number;
  areaM: number;
  seed?: number;
}

export function populate(server: CoopServer, o: PopulateOptions): void {
  const rng = seededRandom(o.seed ?? 12345);
  const half = o.areaM / 2;
  for (let i = 0; i < o.npcs; i++) server.sim.addNpc((rng() * 2 - 1) * half, (rng() * 2 - 1) * half);
  for (let i = 0; i < o.vehicles; i++) server.sim.addVehicle((rng() * 2 - 1) * half, (rng() * 2 - 1) * half);
}
