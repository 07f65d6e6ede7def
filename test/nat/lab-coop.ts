// The real programs across the NAT lab: coop-server (announced on coop-master) behind router A,
// a headless game + coop-sidecar (--master/--join) behind router B (or beside the server for
// the LAN case). Reliable traffic: the handshake and the game's SpawnProxy messages; unreliable:
// the snapshots that become the game's RemoteEntityStates lines. The path and the bytes are read
// from the sidecar's own report and from the server dashboard's GET /status (fetched inside A).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testServerArgs } from '../helpers/coop-server.js';
import { JsonLines, LAB_PUBLIC_IP, type Lab } from './lab.js';
import { LAB_MASTER_PORT, LAB_TURN_PORT } from './lab-run.js';

const NODE = [process.execPath, '--import', 'tsx'];
const START_TIMEOUT_MS = 30_000;
const TRAFFIC_TIMEOUT_MS = 45_000;
/** Snapshot-driven entity states (in RemoteEntityStates lines) the game must see before the traffic counts as flowing. */
const MIN_REMOTE_STATES = 150;
const NPCS = 4;

export interface NetView {
  path: string;
  connectMs: number | null;
  bytesSent: number;
  bytesReceived: number;
}

export interface CoopOverNat {
  /** Path the sidecar reported ("connection at exit: path X ..."), and its ICE byte counts. */
  sidecar: { path: string; bytesSent: number; bytesReceived: number };
  /** The server dashboard's view of the sidecar's connection. */
  dashboard: NetView;
  spawns: number;
  remoteStates: number;
}

function fetchInNs(lab: Lab, ns: string, url: string): Promise<string> {
  const child = new JsonLines(
    lab.spawnIn(ns, [
      process.execPath,
      '-e',
      `fetch(${JSON.stringify(url)}).then((r) => r.text()).then((t) => console.log(t), (e) => { console.error(e.message); process.exit(1); })`,
    ]),
  );
  return child.waitForText(/^\{.*\}$/, START_TIMEOUT_MS, `GET ${url}`).then((m) => m[0]);
}

export async function runCoopOverNat(lab: Lab, serverNs: string, sidecarNs: string): Promise<CoopOverNat> {
  const dir = mkdtempSync(join(tmpdir(), 'coop-natlab-'));
  const master = `http://${LAB_PUBLIC_IP}:${LAB_MASTER_PORT}`;
  const stun = `${LAB_PUBLIC_IP}:${LAB_TURN_PORT}`;
  const server = new JsonLines(
    lab.spawnIn(serverNs, [
      ...NODE,
      ...testServerArgs({
        dataDir: join(dir, 'srv'),
        host: null,
        dash: true,
        npcs: NPCS,
        areaM: 40,
        extra: ['--master', master, '--stun', stun, '--lobby-name', 'nat lab'],
      }),
    ]),
  );
  const lobby = (await server.waitForText(/announced on coop-master \S+ as lobby session ([A-Za-z0-9_-]+)/, START_TIMEOUT_MS, 'coop-server announce'))[1];
  const dashPort = (await server.waitForText(/dashboard: http:\/\/127\.0\.0\.1:(\d+)\//, START_TIMEOUT_MS, 'dashboard'))[1];

  const session = `natlab-${process.pid}-${Math.floor(Math.random() * 1e6)}`;
  const scenario = join(dir, 'walk.json');
  writeFileSync(
    scenario,
    JSON.stringify({
      name: 'walk',
      repeat: true,
      steps: [
        {
          at: 0,
          do: 'walk',
          path: [
            [0, 0, 0],
            [8, 0, 0],
            [8, 8, 0],
            [0, 0, 0],
          ],
          speedMps: 3,
          hz: 20,
        },
      ],
    }),
  );
  const game = new JsonLines(lab.spawnIn(sidecarNs, [...NODE, 'src/sim/main.ts', '--bridge', session, '--scenario', scenario]));
  await game.waitFor((l) => l.event === 'open', START_TIMEOUT_MS, 'headless game');
  const sidecar = new JsonLines(
    lab.spawnIn(sidecarNs, [
      ...NODE,
      'src/sidecar/main.ts',
      '--master',
      master,
      '--join',
      lobby,
      '--stun',
      stun,
      '--bridge',
      session,
      '--name',
      'Vee',
      '--data-dir',
      join(dir, 'player'),
      '--log-level',
      'warn',
    ]),
  );
  await sidecar.waitForText(/joined as peer \d+/, START_TIMEOUT_MS, 'sidecar in world');

  const remoteStates = (): number =>
    game.lines
      .filter((l) => l.dir === 'in' && l.type === 'RemoteEntityStates')
      .reduce((n, l) => n + ((l.msg as { states?: unknown[] } | undefined)?.states?.length ?? 0), 0);
  const spawns = (): number => game.lines.filter((l) => l.dir === 'in' && l.type === 'SpawnProxy').length;
  const deadline = Date.now() + TRAFFIC_TIMEOUT_MS;
  while ((remoteStates() < MIN_REMOTE_STATES || spawns() < 1) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));

  const status = JSON.parse(await fetchInNs(lab, serverNs, `http://127.0.0.1:${dashPort}/status`)) as { peers: { name: string; net: NetView | null }[] };
  const me = status.peers.find((p) => p.name === 'Vee');
  if (!me?.net) throw new Error(`dashboard shows no connection stats for the sidecar: ${JSON.stringify(status)}`);

  sidecar.child.kill('SIGINT');
  const exit = await sidecar.waitForText(/connection at exit: path (\w+) .*bytes sent (\d+), received (\d+)/, START_TIMEOUT_MS, 'sidecar exit report');
  const result: CoopOverNat = {
    sidecar: { path: exit[1], bytesSent: Number(exit[2]), bytesReceived: Number(exit[3]) },
    dashboard: me.net,
    spawns: spawns(),
    remoteStates: remoteStates(),
  };
  server.child.kill('SIGINT');
  game.child.kill('SIGINT');
  return result;
}
