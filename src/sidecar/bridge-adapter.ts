// GameLink over the shared-memory bridge (bridge/), sidecar role. Spawns and despawns are queued
// when the ring is full (a game that stopped reading for a while), so a proxy is never lost or
// left behind; entity states are only sent when there is room (the sidecar sends them again).
import type { Bridge } from '../../bridge/index.js';
import type { EntityState, GameLink, Transform } from './game-link.js';

/** `relay`: the native path, whose thread relays the game's frames to this bridge and sleeps
 * through the lazy ones when this bridge does. */
export function bridgeGameLink(bridge: Bridge, relay?: { sleepThroughLazy(on: boolean): void }): GameLink {
  return {
    onPlayerTransform(cb: (t: Transform) => void) {
      bridge.on('PlayerTransform', (m) => cb({ pos: m.pos, rot: m.rot, vel: m.vel }));
    },
    spawn(entityId, kind, template, pos, rot) {
      bridge.send('SpawnProxy', { entityId, kind, template, pos, rot });
    },
    despawn(entityId) {
      bridge.send('DespawnProxy', { entityId });
    },
    entityStates(tick, states) {
      return bridge.state !== 'closed' && bridge.trySend('RemoteEntityStates', { tick, states: states as EntityState[] });
    },
    interpDelay(delayMs) {
      bridge.trySend('InterpDelayChanged', { delayMs });
    },
    notify(kind, title, text) {
      bridge.trySend('Notification', { kind, title, text, durationMs: 5000 });
    },
    // paced (tick-pacer.ts): PlayerTransform is a lazy frame (the manifest): it no longer wakes us
    sleepThroughFrames(on) {
      bridge.sleepThroughLazy(on);
      relay?.sleepThroughLazy(on);
    },
    drain() {
      bridge.drain();
    },
  };
}
