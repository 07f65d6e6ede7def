// Runs one lab scenario: coop-master (+ coturn through --coturn) in the public namespace, the
// host player behind router A, the joiner behind router B (or beside the host for 'lan').
import { createLab, JsonLines, LAB_PUBLIC_IP, type Lab, type NatKind } from './lab.js';

export const LAB_MASTER_PORT = 7450;
export const LAB_TURN_PORT = 3478;
const NODE = [process.execPath, '--import', 'tsx'];
const START_TIMEOUT_MS = 30_000;
const RUN_TIMEOUT_MS = 60_000;

export type Scenario = 'eim' | 'symmetric' | 'lan';

export interface LabWorld {
  lab: Lab;
  master: JsonLines;
  host: JsonLines;
  sessionId: string;
  joinerNs: string;
}

export async function startLabWorld(scenario: Scenario, hostArgs: string[] = []): Promise<LabWorld> {
  const kind: NatKind = scenario === 'symmetric' ? 'symmetric' : 'eim';
  const lab = createLab(kind);
  try {
    const master = new JsonLines(
      lab.spawnIn(lab.ns.pub, [
        ...NODE,
        'src/master/main.ts',
        '--host',
        LAB_PUBLIC_IP,
        '--port',
        String(LAB_MASTER_PORT),
        '--coturn',
        LAB_PUBLIC_IP,
        '--coturn-port',
        String(LAB_TURN_PORT),
      ]),
    );
    await master.waitFor((l) => l.msg === 'coop-master listening', START_TIMEOUT_MS, 'coop-master');
    const { host, sessionId } = await startHost(lab, hostArgs);
    return { lab, master, host, sessionId, joinerNs: scenario === 'lan' ? lab.ns.pA : lab.ns.pB };
  } catch (err) {
    lab.close();
    throw err;
  }
}

/** Starts a host player behind router A; resolves once its session is announced. */
export async function startHost(lab: Lab, hostArgs: string[] = []): Promise<{ host: JsonLines; sessionId: string }> {
  const host = new JsonLines(lab.spawnIn(lab.ns.pA, [...NODE, 'test/nat/lab-peer.ts', '--role', 'host', ...peerArgs(), ...hostArgs]));
  const announced = await host.waitFor((l) => l.ev === 'announced', START_TIMEOUT_MS, 'host announce');
  return { host, sessionId: announced.sessionId as string };
}

function peerArgs(): string[] {
  return ['--master', `http://${LAB_PUBLIC_IP}:${LAB_MASTER_PORT}`, '--stun', `${LAB_PUBLIC_IP}:${LAB_TURN_PORT}`];
}

/** Runs one joiner to completion; resolves with its result line and the host's matching 'done' line. */
export async function runJoiner(w: LabWorld, args: string[] = []): Promise<{ result: Record<string, unknown>; hostDone: Record<string, unknown> }> {
  const j = new JsonLines(w.lab.spawnIn(w.joinerNs, [...NODE, 'test/nat/lab-peer.ts', '--role', 'joiner', `--session=${w.sessionId}`, ...peerArgs(), ...args]));
  const result = await j.waitFor((l) => l.ev === 'result' || l.ev === 'error', RUN_TIMEOUT_MS, 'joiner result');
  if (result.ev === 'error') throw new Error(`joiner failed: ${String(result.error)}; ${j.stderr.slice(-800)}`);
  const peerId = (result.stats as { peerId: string }).peerId;
  const hostDone = await w.host.waitFor((l) => l.ev === 'done' && l.peerId === peerId, RUN_TIMEOUT_MS, 'host done');
  return { result, hostDone };
}
