// ENet's peer states (ENetPeerState), with their names for logs.

export const PeerState = {
  DISCONNECTED: 0,
  CONNECTING: 1,
  ACKNOWLEDGING_CONNECT: 2,
  CONNECTION_PENDING: 3,
  CONNECTION_SUCCEEDED: 4,
  CONNECTED: 5,
  DISCONNECT_LATER: 6,
  DISCONNECTING: 7,
  ACKNOWLEDGING_DISCONNECT: 8,
  ZOMBIE: 9,
} as const;
export type PeerStateValue = (typeof PeerState)[keyof typeof PeerState];

export const PEER_STATE_NAMES = [
  'disconnected',
  'connecting',
  'acknowledging_connect',
  'connection_pending',
  'connection_succeeded',
  'connected',
  'disconnect_later',
  'disconnecting',
  'acknowledging_disconnect',
  'zombie',
] as const;
export type PeerStateName = (typeof PEER_STATE_NAMES)[number];

/** Connected or draining before a disconnect: the states that count as "up" for bandwidth. */
export function isUp(state: number): boolean {
  return state === PeerState.CONNECTED || state === PeerState.DISCONNECT_LATER;
}
