// One ENet channel of a peer: sequence numbers both ways, the reliable send windows in use,
// and the incoming commands waiting for their turn.
import { ENET_PEER_RELIABLE_WINDOWS } from './constants.js';
import type { IncomingCommand } from './commands.js';
import { List } from './list.js';

export class Channel {
  outgoingReliableSequenceNumber = 0;
  outgoingUnreliableSequenceNumber = 0;
  /** Bit i set = reliable window i has commands in flight. */
  usedReliableWindows = 0;
  /** Commands in flight per reliable window. */
  readonly reliableWindows = new Uint16Array(ENET_PEER_RELIABLE_WINDOWS);
  incomingReliableSequenceNumber = 0;
  incomingUnreliableSequenceNumber = 0;
  readonly incomingReliableCommands = new List<IncomingCommand>();
  readonly incomingUnreliableCommands = new List<IncomingCommand>();
}
