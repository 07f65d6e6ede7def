// The scenes the server knows, by the resource name the game reports (StartCinematic.sceneId),
// with their lengths: a CineReport for a scene not in the catalog is refused ('unknown_scene'),
// and a scene the owner never ends is ended for everyone when its length has passed.
// coop-server --scenes FILE replaces the built-in list: {"scenes": {"<name>": <length ms>, ...}}.
import { readFileSync } from 'node:fs';
import { z } from 'zod';

/** Longest scene a catalog may list (the longest vanilla cinematics run a few minutes), ms. */
export const SCENE_LENGTH_MAX_MS = 30 * 60_000;
export const SCENE_NAME_MAX_CHARS = 200;

/** Built in: the demo's scenes and the tests' (lengths as played, ms). */
export const DEFAULT_SCENES: Readonly<Record<string, number>> = {
  q001_01_victor: 95_000,
  q003_deal_maelstrom: 240_000,
  q005_heist_arasaka_tower: 180_000,
  sq017_judy_dive: 150_000,
  test_short_scene: 2_000,
};

const CatalogFile = z.object({
  scenes: z.record(z.string().min(1).max(SCENE_NAME_MAX_CHARS), z.number().int().positive().max(SCENE_LENGTH_MAX_MS)),
});

export class SceneCatalog {
  readonly #scenes: ReadonlyMap<string, number>;

  constructor(scenes: Readonly<Record<string, number>> = DEFAULT_SCENES) {
    this.#scenes = new Map(Object.entries(scenes));
  }

  /** Reads a catalog file; throws with one clear line naming the problem. */
  static load(path: string): SceneCatalog {
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(path, 'utf8'));
    } catch (err) {
      throw new Error(`cannot read the scene catalog ${path}: ${(err as Error).message}`);
    }
    const r = CatalogFile.safeParse(json);
    if (!r.success) {
      const i = r.error.issues[0];
      throw new Error(`scene catalog ${path}: ${i?.path.join('.') || '(root)'}: ${i?.message ?? 'invalid'}`);
    }
    return new SceneCatalog(r.data.scenes);
  }

  /** The scene's length in ms, undefined when unknown. */
  lengthMs(sceneId: string): number | undefined {
    return this.#scenes.get(sceneId);
  }
  get size(): number {
    return this.#scenes.size;
  }
}
