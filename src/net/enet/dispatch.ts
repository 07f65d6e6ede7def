// The host's events (ENet's enet_protocol_dispatch_incoming_commands): the protocol modules
// queue a peer when it has something to tell the application (a connect, a disconnect, a
// received packet), each peer once (Peer.needsDispatch); service() then emits one event per
// peer per round, round-robin as ENet does, so one busy peer cannot starve the others.
import type { EnetHost, EnetHostEvents } from './host.js';
import { takeDispatched } from './incoming.js';
import type { Peer } from './peer.js';
import { PeerState } from './peer-state.js';
import { RingQueue } from '../../util/ring-queue.js';

/** The host's emit (protected on the host, so it is handed in). */
export type EmitHostEvent = <K extends keyof EnetHostEvents>(event: K, ...args: Parameters<EnetHostEvents[K]>) => boolean;

export class EventDispatch {
  readonly #host: EnetHost;
  /** The host's live 'receive' listener list (changed in place by on and off). */
  readonly #receiveListeners: ReadonlyArray<EnetHostEvents['receive']>;
  readonly #emit: EmitHostEvent;
  /** Peers with events to emit, each once, served round-robin. */
  readonly #queue = new RingQueue<Peer>();

  constructor(host: EnetHost, receiveListeners: ReadonlyArray<EnetHostEvents['receive']>, emit: EmitHostEvent) {
    this.#host = host;
    this.#receiveListeners = receiveListeners;
    this.#emit = emit;
  }

  queue(peer: Peer): void {
    if (peer.needsDispatch) return;
    peer.needsDispatch = true;
    this.#queue.push(peer);
  }

  unqueue(peer: Peer): void {
    this.#queue.remove(peer);
    peer.needsDispatch = false;
  }

  /** Emit the events queued so far (stopping if a listener destroys the host); returns how many. */
  run(): number {
    let events = 0;
    const host = this.#host;
    const queue = this.#queue;
    while (queue.length > 0 && !host.destroyed) {
      const peer = queue.shift() as Peer;
      peer.needsDispatch = false;
      if (peer.connectEventPending) {
        peer.connectEventPending = false;
        if (peer.state === PeerState.ZOMBIE || !peer.dispatchedCommands.empty) this.queue(peer);
        events++;
        this.#emit('connect', peer, peer.eventData);
        continue;
      }
      switch (peer.state) {
        case PeerState.CONNECTION_PENDING:
        case PeerState.CONNECTION_SUCCEEDED:
          peer.setState(PeerState.CONNECTED);
          events++;
          this.#emit('connect', peer, peer.eventData);
          break;
        case PeerState.ZOMBIE: {
          host.recalculateBandwidthLimits = true;
          const data = peer.eventData;
          peer.reset();
          events++;
          this.#emit('disconnect', peer, data);
          break;
        }
        case PeerState.CONNECTED: {
          const command = takeDispatched(peer);
          if (command === undefined) break;
          if (!peer.dispatchedCommands.empty) this.queue(peer);
          events++;
          // The common case (one listener) without emit's lookup and argument spreading.
          const listeners = this.#receiveListeners;
          if (listeners.length === 1) listeners[0](peer, command.channelID, command.data, command.flags);
          else this.#emit('receive', peer, command.channelID, command.data, command.flags);
          break;
        }
        default:
          break;
      }
    }
    return events;
  }
}
