// What the sidecar needs of the game (GameLink) and the shapes it trades with it: the player's
// transform up, the proxies' states down. bridge-adapter.ts implements GameLink over the bridge;
// tests implement it in memory. Vec3, Quat and EntityState (one proxy's state in a frame) are
// the bridge's own, generated from its manifest.
import type { EntityState, Quat, Vec3 } from '../../bridge/index.js';

export type { EntityState, Quat, Vec3 };

export interface Transform {
  pos: Vec3;
  rot: Quat;
  vel: Vec3;
}

/** What the sidecar needs of the game; bridge-adapter.ts implements it over the bridge. */
export interface GameLink {
  onPlayerTransform(cb: (t: Transform) => void): void;
  spawn(entityId: number, kind: number, template: string, pos: Vec3, rot: Quat): void;
  despawn(entityId: number): void;
  /**
   * The moved proxies of one frame; false when the game could not take it (ring full). The
   * objects are reused after the call: copy what you keep.
   */
  entityStates(tick: number, states: readonly EntityState[]): boolean;
  interpDelay(ms: number): void;
  notify(kind: number, title: string, text: string): void;
  /** Paced: the game's per-frame transforms wait for the sidecar's own wake instead of waking it
   * (the bridge's lazy frames); optional for games that cannot. */
  sleepThroughFrames?(on: boolean): void;
  /** Handles what the game wrote that waits unread (paced: its frames did not wake us). */
  drain?(): void;
}

/** The yaw (rad, about z) of a rotation: what PlayerState carries of the player's. */
export const yawFromQuat = (q: Quat): number => Math.atan2(2 * (q.w * q.z + q.x * q.y), 1 - 2 * (q.y * q.y + q.z * q.z));
