// What a NAT connection reports (NT-3 "Connection stats", docs/requirements.md#nt-3) and how
// it is read off the selected ICE pair: the candidate type and endpoint at each end. Apart from
// handshake.ts, which runs the handshake; NatConnection.stats() fills these in.
import type { Candidate, CandidatePair } from 'werift-ice';
import type { HandshakeState } from './handshake.js';
import type { CandidateType, NatPath } from './nat-client.js';

/** What the dashboard and coop-netcheck show per connection (NT-3 "Connection stats"). */
export interface ConnectionStats {
  peerId: string;
  state: HandshakeState;
  path: NatPath | undefined;
  localCandidate: CandidateType | undefined;
  remoteCandidate: CandidateType | undefined;
  /** Types of every local candidate gathered in the final attempt (proves relay raced direct). */
  gathered: CandidateType[];
  /** `ip:port` of the local socket behind the selected pair (the relay allocation when relayed). */
  localEndpoint: string | undefined;
  /** `ip:port` the selected pair sends to. */
  remoteEndpoint: string | undefined;
  /** ms from handshake start to a selected pair. */
  connectMs: number | undefined;
  /** 0 = all candidates at once, 1 = relay-only after the 5 s rule. */
  attempt: number;
  bytesSent: number;
  bytesReceived: number;
  dropsGarbage: number;
  dropsBadSignal: number;
}

/** The selected pair's local candidate type, its local `ip:port` (a host candidate's address
 * reads as `bindAddress` when bound to one) and the `ip:port` it sends to. */
export function pairEndpoints(pair: CandidatePair, bindAddress: string | undefined): { local: CandidateType; localEndpoint: string; remoteEndpoint: string } {
  const localHost = bindAddress && pair.localCandidate.type === 'host' ? bindAddress : pair.localCandidate.host;
  return {
    local: pair.localCandidate.type as CandidateType,
    localEndpoint: `${localHost}:${pair.localCandidate.port}`,
    remoteEndpoint: `${pair.remoteAddr[0]}:${pair.remoteAddr[1]}`,
  };
}

/**
 * The remote side's candidate type of the selected pair. A peer-reflexive candidate (learnt
 * from an incoming check before the signalled one arrived) counts as the signalled candidate
 * with the same address, once that is known.
 */
export function remoteCandidateType(pair: CandidatePair, remoteCandidates: readonly Candidate[]): CandidateType {
  const t = pair.remoteCandidate.type as CandidateType;
  if (t !== 'prflx' && t !== 'srflx') return t;
  const [h, p] = pair.remoteAddr;
  const same = remoteCandidates.filter((c) => c.host === h && c.port === p && c.type !== 'prflx');
  // Without a NAT in between (loopback, one LAN) the srflx address is the host address.
  const signalled = same.find((c) => c.type === 'host') ?? same[0];
  return (signalled?.type as CandidateType | undefined) ?? t;
}
