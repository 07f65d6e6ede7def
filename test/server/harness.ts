// In-process server + clients over queued fake links (no sockets), on a manual clock.
import { CoopServer, type CoopServerOptions } from '../../src/server/server.js';
import type { Connection, PeerLink } from '../../src/server/connection.js';
import type { ClientEvents } from '../../src/sidecar/client-options.js';
import { CoopClient } from '../../src/sidecar/session.js';
import { generateIdentity, type IdentityKeys } from '../../src/protocol/identity.js';
import type { PlayerState } from '../../src/protocol/schema.gen.js';

export class FakeLink implements PeerLink {
  readonly toClient: { channel: number; bytes: Uint8Array }[] = [];
  closed = false;
  pingMs = 3;
  address = '127.0.0.1:1';
  send(channel: number, bytes: Uint8Array): void {
    if (!this.closed) this.toClient.push({ channel, bytes: bytes.slice() });
  }
  close(): void {
    this.closed = true;
  }
}

export interface TestPeer {
  client: CoopClient;
  link: FakeLink;
  conn: Connection;
  identity: IdentityKeys;
  toServer: { channel: number; bytes: Uint8Array }[];
  events: { spawned: number[]; despawned: number[]; tickRates: [number, number][]; chats: string[]; closed: string[] };
}

export class Harness {
  t = 1000;
  readonly server: CoopServer;
  readonly peers: TestPeer[] = [];

  constructor(opts: Partial<CoopServerOptions> = {}) {
    this.server = new CoopServer({ sessionId: 'test-session', now: () => this.t, ...opts });
  }

  add(
    name: string,
    initial: PlayerState,
    extra: { protocolVersion?: number; events?: ClientEvents; identity?: IdentityKeys; password?: string; interpDelayMs?: number; ackWithInput?: boolean } = {},
  ): TestPeer {
    const link = new FakeLink();
    const conn = this.server.peerConnected(link);
    const toServer: TestPeer['toServer'] = [];
    const events: TestPeer['events'] = { spawned: [], despawned: [], tickRates: [], chats: [], closed: [] };
    const identity = extra.identity ?? generateIdentity();
    const client = new CoopClient({
      name,
      identity,
      now: () => this.t,
      protocolVersion: extra.protocolVersion,
      password: extra.password,
      interpDelayMs: extra.interpDelayMs,
      ackWithInput: extra.ackWithInput,
      send: (channel, bytes) => toServer.push({ channel, bytes: bytes.slice() }),
      events: {
        spawn: (i) => events.spawned.push(i.id),
        despawn: (id) => events.despawned.push(id),
        tickRate: (t, d) => events.tickRates.push([t, d]),
        chat: (_p, n, text) => events.chats.push(`${n}: ${text}`),
        closed: (r) => events.closed.push(r),
        ...extra.events,
      },
    });
    const peer = { client, link, conn, identity, toServer, events };
    this.peers.push(peer);
    client.start(initial);
    this.pump();
    return peer;
  }

  /** Delivers every queued message both ways until quiet. */
  pump(): void {
    for (let round = 0; round < 20; round++) {
      let moved = 0;
      for (const p of this.peers) {
        for (const m of p.toServer.splice(0)) {
          moved++;
          this.server.peerMessage(p.conn, m.channel, m.bytes);
        }
        for (const m of p.link.toClient.splice(0)) {
          moved++;
          p.client.receive(m.bytes);
        }
      }
      if (!moved) return;
    }
  }

  tick(frameTimeMs = 1): void {
    this.server.runTick(this.t);
    this.server.recordFrame(frameTimeMs, this.t);
    this.pump();
    this.t += this.server.clock.currentTickMs;
  }
}

export const at = (x: number, y: number): PlayerState => ({ x, y, z: 0, yaw: 0, vx: 0, vy: 0, vz: 0, mode: 0 });
