#!/usr/bin/env node
// The main job: coop-master (+ coturn when installed) + coop-server + 3 headless games (coop-sim,
// each walking its own route, each launching its sidecar as the game's plugin does) on loopback. V and Panam join the
// server's UDP port; Judy joins through coop-master (ICE, as a player behind NAT would), so the
// dashboard shows both kinds of path. No external services.
// Prints where to look; Ctrl-C stops everything cleanly. `--seconds N`: stop by itself after N s.
import { spawn, spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { existsSync, mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

// `--dash-port N`: the dashboard's port (default 7788; the test of this script passes 0).
const dashArg = process.argv.indexOf('--dash-port');
const dashPort = dashArg > 0 ? process.argv[dashArg + 1] : '7788';
if (!/^\d{1,5}$/.test(dashPort ?? '') || Number(dashPort) > 65535) {
  console.error('demo: --dash-port needs a port number 0..65535');
  process.exit(2);
}
const secondsArg = process.argv.indexOf('--seconds');
const stopAfterS = secondsArg > 0 ? Number(process.argv[secondsArg + 1]) : 0;
if (secondsArg > 0 && !(stopAfterS > 0)) {
  console.error('demo: --seconds needs a positive number');
  process.exit(2);
}
for (const f of ['dist/coop-server.js', 'dist/coop-sim.js', 'dist/coop-sidecar.js', 'dist/coop-master.js']) {
  if (!existsSync(f)) {
    console.error(`demo: ${f} is missing: run npm run build (npm start does it)`);
    process.exit(1);
  }
}

const dir = mkdtempSync(join(tmpdir(), 'coop-demo-'));
const loop = (cx, cy, r, n = 24) =>
  Array.from({ length: n + 1 }, (_, i) => [cx + r * Math.cos((2 * Math.PI * i) / n), cy + r * Math.sin((2 * Math.PI * i) / n), 0]);
const players = [
  { name: 'V', path: loop(0, 0, 25) },
  { name: 'Judy', path: loop(60, 10, 20), viaMaster: true },
  // Panam drives out of range of the others and back: watch the spawns and despawns.
  {
    name: 'Panam',
    path: [
      [0, -40, 0],
      [300, -40, 0],
      [0, -40, 0],
    ],
  },
];

// Voice: V talks (push-to-talk over espeak-ng speech) every VOICE_EVERY_MS; every game records
// what its sidecar plays, and the demo prints who hears whom (proximity voice: within 60 m).
const VOICE_EVERY_MS = 8000;
function makeSpeechWav() {
  const raw = join(dir, 'speech-raw.wav'),
    wav = join(dir, 'speech.wav');
  const say = spawnSync('espeak-ng', ['-w', raw, 'Judy, meet me by the noodle stand. The car is parked behind it.']);
  const sox = say.status === 0 ? spawnSync('sox', [raw, '-r', '48000', '-c', '1', '-b', '16', wav]) : say;
  if (sox.status !== 0) {
    console.log('[demo] voice off: espeak-ng or sox is missing');
    return null;
  }
  const durMs = Number(spawnSync('soxi', ['-D', wav], { encoding: 'utf8' }).stdout) * 1000 || 3000;
  return { wav, durMs: Math.ceil(durMs) };
}
const speech = makeSpeechWav();

const children = [];
let stopping = false;
function start(tag, args, onLine) {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  createInterface({ input: child.stdout }).on('line', (line) => (onLine ? onLine(line) : console.log(`[${tag}] ${line}`)));
  createInterface({ input: child.stderr }).on('line', (line) => {
    if (!line.startsWith('{')) console.error(`[${tag}] ${line}`);
  });
  child.on('exit', (code, signal) => {
    if (!stopping) {
      console.log(`[demo] ${tag} exited (${signal ?? code}); stopping`);
      stop();
    }
  });
  children.push(child);
  return child;
}

function stop() {
  if (stopping) return;
  stopping = true;
  console.log('[demo] stopping');
  for (const c of [...children].reverse()) if (c.exitCode === null && c.signalCode === null) c.kill('SIGINT');
  const hard = setTimeout(() => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  }, 5000);
  Promise.all(children.map((c) => (c.exitCode !== null || c.signalCode !== null ? null : new Promise((r) => c.on('exit', r))))).then(() => {
    clearTimeout(hard);
    rmSync(dir, { recursive: true, force: true });
    console.log('[demo] stopped');
    process.exit(0);
  });
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

/** A free UDP port on loopback for coturn (the master's own TCP port is chosen by the OS). */
function freeUdpPort() {
  return new Promise((resolve, reject) => {
    const sock = createSocket('udp4');
    sock.once('error', reject);
    sock.bind(0, '127.0.0.1', () => {
      const { port } = sock.address();
      sock.close(() => resolve(port));
    });
  });
}

// coop-master first (lobby, signalling, TURN credentials); coturn only if Debian's is installed.
const haveCoturn = spawnSync('sh', ['-c', 'command -v turnserver'], { stdio: 'ignore' }).status === 0;
const turnPort = await freeUdpPort();
let udpPort = 0;
const masterUrl = await new Promise((resolve) => {
  start(
    'master',
    ['dist/coop-master.js', '--host', '127.0.0.1', '--port', '0', ...(haveCoturn ? ['--coturn', '127.0.0.1', '--coturn-port', String(turnPort)] : [])],
    (line) => {
      let j;
      try {
        j = JSON.parse(line);
      } catch {
        return;
      }
      if (j.msg === 'coop-master listening') resolve(`http://127.0.0.1:${j.port}`);
    },
  );
});
console.log(`[demo] coop-master on ${masterUrl}${haveCoturn ? `, coturn on udp 127.0.0.1:${turnPort}` : ' (no coturn installed: direct paths only)'}`);
// Without coturn the STUN server is... nobody: host candidates still connect on loopback.
const natArgs = ['--stun', `127.0.0.1:${turnPort}`, '--nat-bind', '127.0.0.1', ...(haveCoturn ? [] : ['--no-relay'])];

const server = start(
  'server',
  [
    'dist/coop-server.js',
    '--port',
    '0',
    '--host',
    '127.0.0.1',
    '--data-dir',
    join(dir, 'server'),
    '--no-console',
    '--npcs',
    '150',
    '--vehicles',
    '20',
    '--area-m',
    '400',
    '--log-level',
    'warn',
    '--dash-port',
    dashPort,
    '--master',
    masterUrl,
    '--lobby-name',
    'coop-bridge demo',
    ...natArgs,
  ],
  (line) => {
    console.log(`[server] ${line}`);
    const m = /listening on udp [^:]+:(\d+)/.exec(line);
    if (m) udpPort = Number(m[1]);
    const lobby = /as lobby session ([A-Za-z0-9_-]+)/.exec(line);
    if (lobby) startPlayers(udpPort, lobby[1]);
  },
);

function startPlayers(port, lobby) {
  players.forEach((p, i) => {
    const session = `demo-${process.pid}-${i}`;
    const scenario = join(dir, `route-${i}.json`);
    const speedMps = i === 2 ? 12 : 4;
    const lengthM = p.path.slice(1).reduce((sum, q, k) => sum + Math.hypot(q[0] - p.path[k][0], q[1] - p.path[k][1]), 0);
    // coop-sim does not wait for a walk to finish: pause for its length before repeating.
    const loopMs = Math.ceil((lengthM / speedMps) * 1000) + 200;
    const steps = [{ at: 0, do: 'walk', path: p.path, speedMps, hz: 30 }];
    if (speech) {
      if (i === 0) steps.push({ at: 0, do: 'recordVoice', wav: join(dir, `heard-by-${p.name}.wav`) });
      else steps.unshift({ at: 0, do: 'recordVoice', wav: join(dir, `heard-by-${p.name}.wav`) });
      if (p.name === 'V')
        for (let t = 3000; t + speech.durMs < loopMs; t += VOICE_EVERY_MS)
          steps.push({ at: t, do: 'mic', wav: speech.wav }, { at: t, do: 'ptt', holdMs: speech.durMs });
    }
    writeFileSync(scenario, JSON.stringify({ name: `walk-${p.name}`, repeat: true, endPauseMs: loopMs, steps }));
    // The game logs what the sidecar tells it; show the other players' proxies coming and going
    // (NPC and vehicle proxies are counted, not printed), not every frame.
    const avatars = new Map();
    let npcs = 0;
    // As in a player's install, the game launches its sidecar (the shim's coop_launch: it dies
    // with the game); the sidecar's lines share the game's stdout and are shown as its own.
    const via = p.viaMaster ? ['--master', masterUrl, '--join', lobby, ...natArgs] : ['--server', `127.0.0.1:${port}`];
    const sidecar = [process.execPath, 'dist/coop-sidecar.js', ...via, '--name', p.name, '--data-dir', join(dir, `sidecar-${i}`), '--log-level', 'warn'];
    start(
      `game:${p.name}`,
      ['dist/coop-sim.js', '--bridge', session, '--scenario', scenario, '--quiet-frames', '--launch-sidecar', '--', ...sidecar],
      (line) => {
        let j;
        try {
          j = JSON.parse(line);
        } catch {
          console.log(`[sidecar:${p.name}] ${line}`);
          return;
        }
        if (j.event === 'sidecarLaunched' || j.event === 'sidecarExited')
          console.log(`[game:${p.name}] ${j.event} pid ${j.pid}${j.event === 'sidecarExited' ? ` code ${j.code}` : ''}`);
        if (j.dir !== 'in') return;
        if (j.type === 'SpawnProxy') {
          if (j.msg.kind === 0) {
            avatars.set(j.msg.entityId, j.msg.template);
            console.log(`[game:${p.name}] t=${j.t} ms  spawn player ${j.msg.template} (entity ${j.msg.entityId})`);
          } else npcs++;
        } else if (j.type === 'DespawnProxy') {
          if (avatars.has(j.msg.entityId)) {
            console.log(`[game:${p.name}] t=${j.t} ms  despawn player ${avatars.get(j.msg.entityId)}`);
            avatars.delete(j.msg.entityId);
          } else npcs--;
        } else if (j.type === 'MicIconShow') {
          console.log(
            `[game:${p.name}] t=${j.t} ms  mic icon on: ${j.msg.displayName === p.name ? 'push-to-talk, transmitting' : `hears ${j.msg.displayName} talking`}`,
          );
        } else if (j.type === 'InterpDelayChanged' || j.type === 'Notification') {
          console.log(`[game:${p.name}] t=${j.t} ms  ${j.type} ${JSON.stringify(j.msg)}`);
        }
      },
    );
    setInterval(() => console.log(`[game:${p.name}] players in view: [${[...avatars.values()].join(', ')}], npc/vehicle proxies: ${npcs}`), 5000).unref();
  });
  console.log(
    [
      '',
      '[demo] running: coop-master + coop-server + 3 headless games on loopback, each game launching its sidecar',
      "[demo]   V and Panam join the UDP port; Judy joins through coop-master (ICE): see the dashboard's connection column",
      '[demo] where to look:',
      `[demo]   dashboard   http://127.0.0.1:${dashPort === '0' ? '<port above>' : dashPort}/  (peers, ping, positions, path and traffic; token printed above by the server)`,
      '[demo]   [game:*]    SpawnProxy / DespawnProxy: each game is told about the players (and NPCs) within 120 m',
      '[demo]   Panam drives away from V and Judy and back: her proxy despawns and respawns in their games',
      '[demo]   V holds push-to-talk every 8 s (espeak-ng speech as the mic): "mic icon on" lines show who hears V (proximity voice, 60 m)',
      '[demo] Ctrl-C stops everything',
      '',
    ].join('\n'),
  );
  if (stopAfterS) setTimeout(stop, stopAfterS * 1000).unref();
}
void server;
