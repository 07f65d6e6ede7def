// bench:master's load generator, one process per master instance (never inside a master): it
// takes commands on stdin and answers each with one JSON line on stdout.
//   announce            announce this generator's sessions (two per source address 127.1.x.y,
//                       inside MASTER_MAX_SESSIONS_PER_IP and the rate bucket)
//   hosts               bind HOSTS sessions' hosts over WebSocket on this generator's instance
//   capacity <ms>       heartbeats as fast as CONCURRENCY requests in flight allow (one in
//                       PLAYERS_CHANGE_EVERY changes the player count)
//   latency <ms>        HB_OFFERED_PER_S heartbeats/s offered, LIST_PER_S list requests and
//                       HANDSHAKE_PER_S signalling handshakes (joiner on the next instance)
// Loopback only. Config: JSON in argv[2].
import { Agent, request } from 'node:http';
import { createInterface } from 'node:readline';
import WebSocket from 'ws';

interface Config {
  urls: string[];
  self: number;
  first: number;
  count: number;
}
const cfg = JSON.parse(process.argv[2]) as Config;
const base = cfg.urls[cfg.self];
const CONCURRENCY = 48;
/** Heartbeats in flight while the sessions are being announced. */
const KEEPERS_WHILE_ANNOUNCING = 8;
const HOSTS = 40;
const HB_OFFERED_PER_S = 2_000;
const LIST_PER_S = 40;
const HANDSHAKE_PER_S = 10;
const TICK_MS = 10;
/** A handshake not done by then counts as failed (the phase never waits longer). */
const HANDSHAKE_TIMEOUT_MS = 5_000;
const MAX_IN_FLIGHT = 512;
const agent = new Agent({ keepAlive: true, maxSockets: 1 });

/** Two sessions per loopback address, never .0: 127.1.0.1, 127.1.0.1, 127.1.0.2, … */
const ipOf = (i: number): string => {
  const k = (i >> 1) + 1;
  return `127.${1 + (k >> 16)}.${(k >> 8) & 255}.${k & 255}`;
};

function call(method: string, path: string, body: unknown, localAddress: string): Promise<{ status: number; json: Record<string, unknown> }> {
  return new Promise((resolve) => {
    const text = body === undefined ? undefined : JSON.stringify(body);
    const req = request(
      `${base}${path}`,
      { method, agent, localAddress, headers: text ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) } : {} },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          let json: Record<string, unknown> = {};
          try {
            json = JSON.parse(Buffer.concat(chunks).toString()) as Record<string, unknown>;
          } catch {
            /* empty */
          }
          resolve({ status: res.statusCode ?? 0, json });
        });
      },
    );
    req.on('error', () => resolve({ status: 0, json: {} }));
    if (text) req.write(text);
    req.end();
  });
}

const sessions: { i: number; id: string; token: string; ip: string; players: number }[] = [];
/** Sessions that had expired (404) and were announced again, as a real host does. */
let reannounced = 0;
const pct = (xs: number[], p: number): number => (xs.length === 0 ? NaN : [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))]);

async function announceOne(i: number): Promise<boolean> {
  const r = await call('POST', '/api/sessions', { name: `session ${i}`, version: '1', players: i % 5, maxPlayers: 4, password: i % 3 === 0 }, ipOf(i));
  if (r.status !== 201) return false;
  sessions.push({ i, id: r.json.sessionId as string, token: r.json.hostToken as string, ip: ipOf(i), players: i % 5 });
  return true;
}

async function announce(): Promise<object> {
  let refused = 0;
  const t0 = performance.now();
  let next = cfg.first;
  let announcing = true;
  // Hosts heartbeat while the rest announce: on a starved machine announcing 10,000 can take
  // longer than the session expiry, and a real host never waits that long to heartbeat.
  const keeper = async (): Promise<void> => {
    while (announcing) {
      if (sessions.length === 0) await new Promise((r) => setTimeout(r, TICK_MS));
      else await heartbeat();
    }
  };
  const keepers = Array.from({ length: KEEPERS_WHILE_ANNOUNCING }, keeper);
  const worker = async (): Promise<void> => {
    while (next < cfg.first + cfg.count) if (!(await announceOne(next++))) refused++;
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  announcing = false;
  await Promise.all(keepers);
  return { announced: sessions.length, refused, reannounced, ms: performance.now() - t0 };
}

let cursor = 0;
/** One heartbeat in PLAYERS_CHANGE_EVERY changes the player count (a lobby event to every instance). */
const PLAYERS_CHANGE_EVERY = 20;
const heartbeat = async (): Promise<number> => {
  const s = sessions[cursor++ % sessions.length];
  const players = cursor % PLAYERS_CHANGE_EVERY === 0 ? (s.players = (s.players + 1) % 5) : s.players;
  const status = (await call('POST', `/api/sessions/${s.id}/heartbeat`, { hostToken: s.token, players }, s.ip)).status;
  if (status === 404) {
    const r = await call('POST', '/api/sessions', { name: `session ${s.i}`, version: '1', players: s.players, maxPlayers: 4, password: s.i % 3 === 0 }, s.ip);
    if (r.status === 201) {
      s.id = r.json.sessionId as string;
      s.token = r.json.hostToken as string;
      reannounced++;
    }
  }
  return status;
};

async function capacity(ms: number): Promise<object> {
  let ok = 0;
  let refused = 0;
  const end = performance.now() + ms;
  const worker = async (): Promise<void> => {
    while (performance.now() < end)
      if ((await heartbeat()) === 200) ok++;
      else refused++;
  };
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const seconds = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  return { heartbeats: ok, refused, reannounced, seconds, cpuPct: (c.user + c.system) / 1e4 / seconds };
}

const hostSockets = new Map<string, WebSocket>();
async function hosts(): Promise<object> {
  for (const s of sessions.slice(0, HOSTS)) {
    const ws = new WebSocket(`${base.replace('http', 'ws')}/ws`, { localAddress: s.ip });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    ws.send(JSON.stringify({ t: 'host', sessionId: s.id, hostToken: s.token }));
    ws.on('message', (raw) => {
      const m = JSON.parse(raw.toString()) as { t: string; peerId?: string };
      // A joiner arrived: answer with ICE parameters, as a real host does first.
      if (m.t === 'peer') ws.send(JSON.stringify({ t: 'signal', peerId: m.peerId, data: { kind: 'params', attempt: 0, ufrag: 'bench', pwd: 'p'.repeat(22) } }));
    });
    hostSockets.set(s.id, ws);
  }
  return { hosts: hostSockets.size };
}

let joinerIp = 0;
/** Why handshakes failed (reported with the latency phase). */
const failures: Record<string, number> = {};
/** Join through the next instance; done when the host's first signal arrives (relayed if remote). */
function handshake(): Promise<number> {
  const url = cfg.urls[(cfg.self + 1) % cfg.urls.length];
  const sid = [...hostSockets.keys()][joinerIp % hostSockets.size];
  const ip = `127.200.${(joinerIp >> 8) & 255}.${(joinerIp++ & 255) + 1}`;
  const t0 = performance.now();
  return new Promise((resolve) => {
    const ws = new WebSocket(`${url.replace('http', 'ws')}/ws`, { localAddress: ip });
    const timer = setTimeout(() => fail('timeout'), HANDSHAKE_TIMEOUT_MS);
    const fail = (why: string): void => {
      failures[why] = (failures[why] ?? 0) + 1;
      done(NaN);
    };
    const done = (v: number): void => {
      clearTimeout(timer);
      ws.terminate();
      resolve(v);
    };
    ws.once('open', () => ws.send(JSON.stringify({ t: 'join', sessionId: sid })));
    ws.on('message', (raw) => {
      const m = JSON.parse(raw.toString()) as { t: string };
      if (m.t === 'signal') done(performance.now() - t0);
      if (m.t === 'error') fail(`error ${(m as { code?: string }).code}`);
    });
    ws.once('error', (e) => fail(`socket ${(e as NodeJS.ErrnoException).code ?? e.message}`));
  });
}

const LIST_QUERIES = [
  '/api/sessions?limit=50',
  '/api/sessions?limit=50&free=1&open=1',
  '/api/sessions?limit=50&name=session%2012',
  '/api/sessions?limit=50&cursor=MMMM',
];
async function latency(ms: number): Promise<object> {
  const lists: number[] = [];
  const hs: number[] = [];
  let hbOk = 0;
  let hbSkipped = 0;
  let inFlight = 0;
  let failedHandshakes = 0;
  const pending: Promise<unknown>[] = [];
  const t0 = performance.now();
  for (let tick = 0; performance.now() - t0 < ms; tick++) {
    for (let k = 0; k < (HB_OFFERED_PER_S * TICK_MS) / 1000; k++) {
      if (inFlight >= MAX_IN_FLIGHT) {
        hbSkipped++;
        continue;
      }
      inFlight++;
      void heartbeat().then((s) => {
        inFlight--;
        if (s === 200) hbOk++;
      });
    }
    if (tick % (1000 / TICK_MS / LIST_PER_S) === 0) {
      const q = LIST_QUERIES[tick % LIST_QUERIES.length];
      const s = performance.now();
      pending.push(
        call('GET', q, undefined, '127.2.0.1').then((r) => {
          if (r.status === 200) lists.push(performance.now() - s);
        }),
      );
    }
    if (tick % (1000 / TICK_MS / HANDSHAKE_PER_S) === 0)
      pending.push(
        handshake().then((v) => {
          if (Number.isNaN(v)) failedHandshakes++;
          else hs.push(v);
        }),
      );
    await new Promise((r) => setTimeout(r, TICK_MS));
  }
  await Promise.all(pending);
  const seconds = (performance.now() - t0) / 1000;
  return {
    heartbeatsPerS: hbOk / seconds,
    hbSkipped,
    lists: lists.length,
    listP50: pct(lists, 0.5),
    listP99: pct(lists, 0.99),
    handshakes: hs.length,
    failedHandshakes,
    failures,
    handshakeP50: pct(hs, 0.5),
    handshakeP99: pct(hs, 0.99),
  };
}

const rl = createInterface({ input: process.stdin });
for await (const line of rl) {
  const [cmd, arg] = line.trim().split(/\s+/);
  let out: object;
  if (cmd === 'announce') out = await announce();
  else if (cmd === 'hosts') out = await hosts();
  else if (cmd === 'capacity') out = await capacity(Number(arg));
  else if (cmd === 'latency') out = await latency(Number(arg));
  else break;
  process.stdout.write(`${JSON.stringify(out)}\n`);
}
for (const ws of hostSockets.values()) ws.terminate();
agent.destroy();
