// The headless game's scene player (what scnSceneSystem does in the game): one running scene,
// its time advancing with this game's clock. SeekCinematic jumps it (starting it if needed; a
// game with scenario.sceneLoadMs > 0 first "loads" that long and then starts at the time it was
// asked for, now stale — a late loader), StopCinematic ends it, and while it runs the game
// reports CinematicTime every SIM_SCENE_REPORT_MS so its sidecar can keep it in step.
import type { SimContext } from './context.js';

export const SIM_SCENE_REPORT_MS = 100;
const MS_PER_S = 1_000;

export interface RunningScene {
  sceneId: string;
  /** This game's clock when the scene was at time 0. */
  t0Ms: number;
}

export const runningScene = (ctx: SimContext): RunningScene | undefined => ctx.state.get('scene') as RunningScene | undefined;

/** Scene time (ms) at this game's clock reading `localMs`, or NaN without a scene. */
export function sceneTimeAt(ctx: SimContext, localMs: number): number {
  const s = runningScene(ctx);
  return s ? localMs - s.t0Ms : NaN;
}

function reportLoop(ctx: SimContext): void {
  if (ctx.state.get('sceneReporting')) return;
  ctx.state.set('sceneReporting', true);
  ctx.every(SIM_SCENE_REPORT_MS, () => {
    const s = runningScene(ctx);
    if (!s) {
      ctx.state.set('sceneReporting', false);
      return false;
    }
    const now = ctx.now();
    ctx.send('CinematicTime', { sceneId: s.sceneId, timeS: (now - s.t0Ms) / MS_PER_S, localTimeMs: now });
    return true;
  });
}

/** Plays sceneId from timeS at this game's clock reading atMs (default now). */
export function playScene(ctx: SimContext, sceneId: string, timeS: number, atMs = ctx.now()): void {
  ctx.state.set('scene', { sceneId, t0Ms: atMs - timeS * MS_PER_S } satisfies RunningScene);
  ctx.log({ event: 'scenePlaying', sceneId, timeS });
  reportLoop(ctx);
}

export function seekScene(ctx: SimContext, sceneId: string, timeS: number, atMs: number): void {
  const cur = runningScene(ctx);
  const loadMs = ctx.scenario.sceneLoadMs;
  if (cur?.sceneId === sceneId || loadMs <= 0) {
    playScene(ctx, sceneId, timeS, atMs);
    return;
  }
  if (ctx.state.get('sceneLoading') === sceneId) return;
  ctx.state.set('sceneLoading', sceneId);
  ctx.log({ event: 'sceneLoading', sceneId, loadMs });
  ctx.after(loadMs, () => {
    ctx.state.delete('sceneLoading');
    playScene(ctx, sceneId, timeS); // the time asked for before loading: behind by loadMs
  });
}

export function stopScene(ctx: SimContext, sceneId: string, reason: string): void {
  if (runningScene(ctx)?.sceneId !== sceneId) return;
  ctx.state.delete('scene');
  ctx.log({ event: 'sceneStopped', sceneId, reason });
}
