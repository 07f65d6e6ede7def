// CC-1 on the server: the game that starts a scene reports it (CineReport STARTED with its scene
// time at a server time); the server checks it against the catalog and stamps startTimeMs in
// server time, then tells the whole party (every in-world player; late joiners when they join)
// CineStart {sceneId, startTimeMs}. Only the scene's owner may end or skip it (CineEnd to all);
// members cannot cancel the owner's scene (the Skyrim Together lesson). A scene nobody ends (its
// owner left or crashed) ends for everyone when its length has passed: nobody stays stuck.
import { CineEvent, type EMsg } from '../../protocol/schema.gen.js';
import type { Connection } from '../connection.js';
import { CINE_ACTIVE_MAX, CINE_REPORT_SKEW_MAX_MS, CINE_TIME_SLACK_MS } from './constants.js';
import type { StoryRejections } from './rejections.js';
import type { SceneCatalog } from './scene-catalog.js';

export interface ActiveScene {
  sceneId: string;
  ownerPeerId: number;
  startTimeMs: number;
  lengthMs: number;
}

export interface CineDeps {
  now: () => number;
  catalog: SceneCatalog;
  rejections: StoryRejections;
  send: (conn: Connection, msg: EMsg) => void;
  /** To every in-world player. */
  broadcast: (msg: EMsg) => void;
}

export class CineDirector {
  readonly #d: CineDeps;
  readonly #active = new Map<string, ActiveScene>();

  constructor(deps: CineDeps) {
    this.#d = deps;
  }

  get active(): ReadonlyMap<string, ActiveScene> {
    return this.#active;
  }

  report(conn: Connection, m: NonNullable<EMsg['cineReport']>): void {
    const sceneId = m.sceneId ?? '';
    const ev = m.event ?? CineEvent.CINE_UNSPECIFIED;
    if (ev === CineEvent.CINE_STARTED) this.#started(conn, sceneId, m.sceneTimeMs ?? NaN, m.serverTimeMs ?? 0);
    else if (ev === CineEvent.CINE_ENDED || ev === CineEvent.CINE_SKIPPED) this.#ended(conn, sceneId, ev === CineEvent.CINE_SKIPPED);
    else this.#d.rejections.reject(conn, 'cine', 'bad_event', `unknown cinematic event ${ev}`);
  }

  #started(conn: Connection, sceneId: string, sceneTimeMs: number, reportedServerMs: number): void {
    const rj = this.#d.rejections;
    const lengthMs = this.#d.catalog.lengthMs(sceneId);
    if (lengthMs === undefined) {
      rj.reject(conn, 'cine', 'unknown_scene', `no scene '${sceneId.slice(0, 80)}' in the server's catalog`);
      return;
    }
    if (!(sceneTimeMs >= 0 && sceneTimeMs <= lengthMs + CINE_TIME_SLACK_MS)) {
      rj.reject(conn, 'cine', 'bad_scene_time', `scene time ${sceneTimeMs} ms is outside 0..${lengthMs} ms`);
      return;
    }
    const now = this.#d.now();
    // 0 = the sidecar has no clock estimate yet: the arrival time is the best the server has.
    const at = reportedServerMs === 0 ? now : reportedServerMs;
    if (!(Math.abs(at - now) <= CINE_REPORT_SKEW_MAX_MS)) {
      rj.reject(conn, 'cine', 'bad_server_time', `reported server time is ${Math.round(at - now)} ms off the server's clock`);
      return;
    }
    const running = this.#active.get(sceneId);
    if (running) {
      // Another game got there too (both triggered it): it follows the running scene.
      this.#d.send(conn, { cineStart: this.#startMsg(running) });
      return;
    }
    if (this.#active.size >= CINE_ACTIVE_MAX) {
      rj.reject(conn, 'cine', 'too_many_scenes', `${CINE_ACTIVE_MAX} scenes are already running`);
      return;
    }
    const scene: ActiveScene = { sceneId, ownerPeerId: conn.peerId, startTimeMs: Math.min(at, now) - sceneTimeMs, lengthMs };
    this.#active.set(sceneId, scene);
    this.#d.broadcast({ cineStart: this.#startMsg(scene) });
  }

  #ended(conn: Connection, sceneId: string, skipped: boolean): void {
    const scene = this.#active.get(sceneId);
    if (!scene) {
      this.#d.rejections.reject(conn, 'cine', 'not_running', `scene '${sceneId.slice(0, 80)}' is not running`);
      return;
    }
    if (scene.ownerPeerId !== conn.peerId) {
      this.#d.rejections.reject(conn, 'cine', 'not_owner', `only the player who started '${sceneId.slice(0, 80)}' can end it`);
      return;
    }
    this.#end(scene, skipped ? 'skipped by its owner' : 'ended by its owner');
  }

  #end(scene: ActiveScene, reason: string): void {
    this.#active.delete(scene.sceneId);
    this.#d.broadcast({ cineEnd: { sceneId: scene.sceneId, reason } });
  }

  #startMsg(s: ActiveScene): NonNullable<EMsg['cineStart']> {
    return { sceneId: s.sceneId, startTimeMs: s.startTimeMs, ownerPeerId: s.ownerPeerId, durationMs: s.lengthMs };
  }

  /** A late joiner gets every running scene (its sidecar seeks ahead). */
  joined(conn: Connection): void {
    for (const s of this.#active.values()) this.#d.send(conn, { cineStart: this.#startMsg(s) });
  }

  /** Ends scenes whose length has passed (call every tick). */
  tick(): void {
    const now = this.#d.now();
    for (const s of [...this.#active.values()]) if (now - s.startTimeMs > s.lengthMs + CINE_TIME_SLACK_MS) this.#end(s, 'finished');
  }
}
