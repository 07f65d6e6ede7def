// Wires the voice relay (src/voice/relay.ts) into the server's plugin seam: a Voice message from
// a player is vetted (framing, size, mute, rate, seq window: counted per talker, never a kick)
// and relayed on the voice channel to the players who should hear it, stamped with the talker's
// peer id and the distance attenuation for that listener.
import { CHANNEL_VOICE } from '../protocol/constants.js';
import { VoiceRelay, type RelayDropReason, type RelayListener } from '../voice/relay.js';
import type { ServerPlugin } from './plugin.js';
import type { CoopServer } from './server.js';
import type { Connection } from './connection.js';

export interface VoicePluginOptions {
  /** 'proximity' (default: interest set + distance attenuation) or 'party' (everyone, full volume). */
  mode?: 'proximity' | 'party';
  /** The admin mute table (by persistent identity); nobody is muted without it. */
  isMuted?: (identity: string) => boolean;
}

export interface VoicePlugin extends ServerPlugin {
  readonly relay: VoiceRelay;
  /** Relayed packets and drops by reason for one talker (null before its first packet). */
  talkerStats(peerId: number): { drops: Record<RelayDropReason, number>; relayed: number } | null;
}

export function voicePlugin(server: CoopServer, o: VoicePluginOptions = {}): VoicePlugin {
  const relay = new VoiceRelay({ mode: o.mode, isMuted: o.isMuted ?? (() => false) });
  const pos = (c: Connection) =>
    c.avatarId && server.world.isAlive(c.avatarId) ? { x: server.world.x[c.avatarId]!, y: server.world.y[c.avatarId]!, z: server.world.z[c.avatarId]! } : null;
  return {
    name: 'voice',
    relay,
    talkerStats: (peerId) => relay.stats(peerId),
    message: (conn, kind, msg) => {
      if (kind !== 'voice') return false;
      const v = msg.voice ?? {};
      const listeners: RelayListener[] = server.inWorld().map((l) => ({ peerId: l.peerId, position: pos(l), seesTalker: l.interest.has(conn.avatarId) }));
      const d = relay.handle(
        { peerId: conn.peerId, identity: conn.identity, inSession: conn.inWorld, position: pos(conn) },
        { seq: v.seq ?? 0, timestamp: v.timestamp ?? 0, opusBytes: v.opusBytes ?? new Uint8Array(0) },
        listeners,
        server.now(),
      );
      if (!d.ok) return true;
      for (const to of d.deliveries) {
        const c = server.connection(to.peerId);
        if (c)
          server.send(
            c,
            { voice: { seq: v.seq, timestamp: v.timestamp, opusBytes: v.opusBytes, fromPeerId: conn.peerId, attenuationQ8: to.attenuationQ8 } },
            CHANNEL_VOICE,
          );
      }
      return true;
    },
    left: (conn) => relay.forget(conn.peerId),
  };
}
