// What CoopClient (session.ts) is given: the sidecar's callbacks for the events of the server
// connection (ClientEvents) and its options (CoopClientOptions: identity, password, the send
// callback, the clock, how snapshots are acked). Apart from session.ts, which runs the session.
import type { IdentityKeys } from '../protocol/identity.js';
import type { EMsg, EntityInfo } from '../protocol/schema.gen.js';
import type { ClientStateValue } from './session.js';
import type { SnapshotEnvelope } from '../protocol/snapshot-envelope.js';

export interface ClientEvents {
  state?(from: ClientStateValue, to: ClientStateValue): void;
  welcome?(w: { peerId: number; identity: string; avatarEntityId: number; tickMs: number }): void;
  /** Refused or disconnected by the server, with its reason (shown to the player). */
  closed?(reason: string): void;
  spawn?(info: Required<Pick<EntityInfo, 'id' | 'kind' | 'name' | 'ownerPeerId'>>): void;
  despawn?(id: number): void;
  tickRate?(tickMs: number, interpDelayMs: number): void;
  chat?(fromPeerId: number, fromName: string, text: string): void;
  notice?(text: string, level: number): void;
  /** A snapshot was decoded and buffered for interpolation; inputLeadUs: how long before its
   * tick our newest input reached the server (0: none since the tick before). */
  snapshot?(tick: number, inputLeadUs: number): void;
  /** Any other kind (voice, cineStart, …) for the sidecar's other parts. */
  other?(kind: string, msg: EMsg): void;
}

export interface CoopClientOptions {
  name: string;
  identity: IdentityKeys;
  sessionId?: string;
  /** Session password, when the server's session has one (sent only as a proof, never as text). */
  password?: string;
  /** `bytes` may be a view of a buffer the next send reuses: copy what is kept past the call
   * (the ENet peer copies what it queues). */
  send: (channel: number, bytes: Uint8Array, reliable: boolean) => void;
  now: () => number;
  events?: ClientEvents;
  protocolVersion?: number; // tests only: pretend to be another version
  /** Show remote entities this many ms in the past instead of max(2 × tick, 80) (bench:e2e uses 0). */
  interpDelayMs?: number;
  /**
   * Hold a snapshot's ack for the next input (sendPlayerState), which carries it in its ack_tick,
   * or for flushAck(): beside a game reporting every frame that is one message and one send a
   * snapshot fewer (a UDP send was the sidecar's largest CPU cost). Default: ack at once.
   */
  ackWithInput?: boolean;
  /** False while the datagrams being read waited for a paced tick (receive-gate.ts): their read
   * time is not their arrival. Default: always known. */
  arrivalKnown?: () => boolean;
  /** Takes a snapshot in the world before this client does (true: taken; the native path's
   * thread, which holds the history, while it runs). */
  snapshotSink?: (s: SnapshotEnvelope) => boolean;
}
