// The NAT lab (network namespaces, root): coop-master + coturn on a public net, the host player
// behind NAT router A, the joiner behind NAT router B. ENet reliable and unreliable traffic
// crosses the selected ICE pair in every case; the chosen path and the bytes are asserted.
import { afterAll, describe, expect, it } from 'vitest';
import { runJoiner, startHost, startLabWorld, type LabWorld, type Scenario } from './lab-run.js';
import { runCoopOverNat, type CoopOverNat } from './lab-coop.js';

const MESSAGES = 40;
const MESSAGE_BYTES = 100;
const LAB_TIMEOUT_MS = 120_000;

interface Stats {
  path: string;
  localCandidate: string;
  remoteCandidate: string;
  attempt: number;
  gathered: string[];
  bytesSent: number;
  bytesReceived: number;
}

function assertTraffic(result: Record<string, unknown>, hostDone: Record<string, unknown>): void {
  expect(result.reliableEchoed).toBe(MESSAGES);
  // Unreliable may in principle lose a datagram; on this lab link it should get through.
  expect(result.unreliableEchoed as number).toBeGreaterThan(MESSAGES / 2);
  expect((hostDone.received as { reliable: number }).reliable).toBeGreaterThanOrEqual(MESSAGES);
  const j = result.stats as Stats;
  const h = hostDone.stats as Stats;
  const payload = 2 * MESSAGES * MESSAGE_BYTES;
  expect(j.bytesSent).toBeGreaterThan(payload);
  expect(h.bytesReceived).toBeGreaterThan(payload);
  expect(h.bytesReceived).toBeLessThanOrEqual(j.bytesSent);
}

/** coop-server and coop-sidecar exchanged reliable and unreliable traffic over `path`. */
function assertCoop(r: CoopOverNat, path: string): void {
  expect(r.sidecar.path).toBe(path);
  expect(r.dashboard.path).toBe(path);
  expect(r.dashboard.connectMs).toBeGreaterThan(0);
  // Reliable: handshake + SpawnProxy of the NPCs; unreliable: snapshots → RemoteEntityState.
  expect(r.spawns).toBeGreaterThanOrEqual(1);
  expect(r.remoteStates).toBeGreaterThanOrEqual(150);
  // Snapshots flow server → sidecar, inputs the other way; each side counts the other's bytes.
  expect(r.dashboard.bytesSent).toBeGreaterThan(1_000);
  expect(r.dashboard.bytesReceived).toBeGreaterThan(500);
  expect(r.sidecar.bytesReceived).toBeGreaterThanOrEqual(r.dashboard.bytesSent * 0.9);
  expect(r.sidecar.bytesSent).toBeGreaterThanOrEqual(r.dashboard.bytesReceived);
}

const worlds: LabWorld[] = [];
async function world(s: Scenario): Promise<LabWorld> {
  const w = await startLabWorld(s);
  worlds.push(w);
  return w;
}
afterAll(() => {
  for (const w of worlds) w.lab.close();
});

// Needs root, iproute2 and iptables (CI runs as root): if the lab cannot be built, the cases fail.
describe('NAT lab (network namespaces)', () => {
  it(
    '(a) two endpoint-independent NATs: a direct server-reflexive pair wins though relay candidates raced',
    async () => {
      const w = await world('eim');
      const { result, hostDone } = await runJoiner(w, ['--messages', String(MESSAGES)]);
      const j = result.stats as Stats;
      expect(j.gathered).toEqual(expect.arrayContaining(['host', 'srflx', 'relay']));
      expect(j.attempt).toBe(0);
      expect(j.path).toBe('srflx');
      expect((hostDone.stats as Stats).path).toBe('srflx');
      assertTraffic(result, hostDone);
      assertCoop(await runCoopOverNat(w.lab, w.lab.ns.pA, w.lab.ns.pB), 'srflx');
    },
    LAB_TIMEOUT_MS,
  );

  it(
    '(b) two symmetric NATs: the relay is used, racing from the start; and as the 5 s fallback',
    async () => {
      const w = await world('symmetric');
      const { result, hostDone } = await runJoiner(w, ['--messages', String(MESSAGES)]);
      const j = result.stats as Stats;
      expect(j.path).toBe('relay');
      expect(j.attempt).toBe(0);
      expect((hostDone.stats as Stats).path).toBe('relay');
      assertTraffic(result, hostDone);

      // Without relay candidates in the first attempt, direct fails for 5 s; the relay-only
      // attempt is given 5 s, so success means ENet is up within 5 s of giving up on direct.
      const noRace = ['--relay-from-start', '0', '--relay-timeout-ms', '5000'];
      const second = await startHost(w.lab, noRace);
      const fallback = await runJoiner({ ...w, host: second.host, sessionId: second.sessionId }, ['--messages', String(MESSAGES), ...noRace]);
      const f = fallback.result.stats as Stats;
      expect(f.attempt).toBe(1);
      expect(f.path).toBe('relay');
      expect(f.gathered).toEqual(['relay']);
      assertTraffic(fallback.result, fallback.hostDone);
      assertCoop(await runCoopOverNat(w.lab, w.lab.ns.pA, w.lab.ns.pB), 'relay');
    },
    LAB_TIMEOUT_MS,
  );

  it(
    '(c) same host / LAN: host candidates',
    async () => {
      const w = await world('lan');
      const { result, hostDone } = await runJoiner(w, ['--messages', String(MESSAGES)]);
      expect((result.stats as Stats).path).toBe('host');
      expect((hostDone.stats as Stats).path).toBe('host');
      assertTraffic(result, hostDone);
      assertCoop(await runCoopOverNat(w.lab, w.lab.ns.pA, w.lab.ns.pA), 'host');
    },
    LAB_TIMEOUT_MS,
  );
});
