// bench:master: coop-master's capacity, loopback only, bounded in time. For each configuration
// (embedded ×1, Redis ×1, Redis ×2) the masters run as their own processes, one load generator
// process per instance (bench/master-load.ts) announces SESSIONS sessions in all and keeps them
// heartbeating; then REPS repetitions of: a capacity phase (as many heartbeats as the masters
// take) and a latency phase (HB_OFFERED_PER_S per instance offered, with list requests and
// signalling handshakes measured). CPU per instance is the master process's own CPU time over
// the capacity phase (/proc). Medians of the repetitions; a table on stdout and
// bench/results/master.json. Also the embedded state file's cost per change at SESSIONS
// sessions: the old whole-file rewrite against the journal append (in this process).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { writeFileAtomicSync } from '../src/util/atomic-file.js';
import { MemoryStore } from '../src/master/store/memory-store.js';
import { startRedis, type TestRedis } from '../test/helpers/redis.js';
import { procStat } from '../test/helpers/proc-stat.js';

const SESSIONS = 10_000;
const REPS = Number(process.env.BENCH_REPS ?? 3);
const PHASE_MS = Number(process.env.BENCH_PHASE_MS ?? 4_000);
const READY_TIMEOUT_MS = 60_000;
const GOALS = { sessions_held: 10_000, heartbeats_per_s_per_instance: 2_000, list_p99_ms: 20, two_over_one_instances_ratio: 1.8 };
/** Median of the measured values (a repetition that measured nothing gives NaN and is left out). */
const median = (xs: number[]): number => {
  const ok = xs.filter(Number.isFinite).sort((a, b) => a - b);
  return ok.length === 0 ? NaN : ok[Math.floor(ok.length / 2)];
};
const cpuSeconds = (pid: number): number => procStat(pid).cpuS;

interface Line {
  next(): Promise<string>;
}
function lines(child: ChildProcess): Line {
  const queue: string[] = [];
  const waiters: ((l: string) => void)[] = [];
  createInterface({ input: child.stdout! }).on('line', (l) => {
    const w = waiters.shift();
    if (w) w(l);
    else queue.push(l);
  });
  return { next: () => (queue.length ? Promise.resolve(queue.shift()!) : new Promise((r) => waiters.push(r))) };
}

async function startMasterProcess(store: string | undefined): Promise<{ child: ChildProcess; url: string }> {
  const args = ['--import', 'tsx', 'src/master/main.ts', '--host', '127.0.0.1', '--port', '0', ...(store ? ['--store', store] : [])];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const out = lines(child);
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (Date.now() > deadline) throw new Error('coop-master did not start');
    const l = await out.next();
    const port = /"msg":"coop-master listening"/.test(l) ? /"port":(\d+)/.exec(l)?.[1] : undefined;
    if (port) return { child, url: `http://127.0.0.1:${port}` };
  }
}

async function ask(gens: { child: ChildProcess; out: Line }[], cmd: string): Promise<Record<string, number>[]> {
  for (const g of gens) g.child.stdin!.write(`${cmd}\n`);
  // A figure the generator could not measure (no sample) comes as null: keep it NaN, not 0.
  return Promise.all(gens.map(async (g) => JSON.parse(await g.out.next(), (_k, v: unknown) => (v === null ? NaN : v)) as Record<string, number>));
}

/** Every repetition's figures, kept in the JSON beside the medians. */
const repsOf: Record<string, Record<string, number>[]> = {};
const say = (line: string): void => {
  process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${line}\n`);
};

async function measure(kind: 'embedded' | 'redis', instances: number): Promise<Record<string, number>> {
  const redis: TestRedis | undefined = kind === 'redis' ? await startRedis() : undefined;
  const masters = [];
  for (let i = 0; i < instances; i++) masters.push(await startMasterProcess(redis?.url));
  const urls = masters.map((m) => m.url);
  const redisPid = redis?.pid;
  const per = SESSIONS / instances;
  const gens = urls.map((_, i) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bench/master-load.ts', JSON.stringify({ urls, self: i, first: i * per, count: per })], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    return { child, out: lines(child) };
  });
  try {
    const ann = await ask(gens, 'announce');
    say(
      `${kind} x${instances}: announced ${ann.reduce((s, a) => s + a.announced, 0)} (refused ${ann.reduce((s, a) => s + a.refused, 0)}, expired and announced again ${ann.reduce((s, a) => s + a.reannounced, 0)}) in ${(Math.max(...ann.map((a) => a.ms)) / 1000).toFixed(1)} s`,
    );
    await ask(gens, 'hosts');
    say(`  hosts bound`);
    const reps: Record<string, number>[] = [];
    for (let r = 0; r < REPS; r++) {
      const cpu0 = masters.map((m) => cpuSeconds(m.child.pid!));
      const redisCpu0 = redisPid ? cpuSeconds(redisPid) : 0;
      const cap = await ask(gens, `capacity ${PHASE_MS}`);
      const cpu = masters.map((m, i) => ((cpuSeconds(m.child.pid!) - cpu0[i]) / cap[i].seconds) * 100);
      const lat = await ask(gens, `latency ${PHASE_MS}`);
      const why = lat.map((l) => JSON.stringify(l.failures)).join(' ');
      const total = cap.reduce((s, c) => s + c.heartbeats / c.seconds, 0);
      reps.push({
        heartbeats_per_s_total: total,
        heartbeats_per_s_per_instance: total / instances,
        heartbeat_refused: cap.reduce((s, c) => s + c.refused, 0),
        expired_and_reannounced_cumulative: cap.reduce((s, c) => s + c.reannounced, 0),
        cpu_pct_per_instance: cpu.reduce((s, c) => s + c, 0) / instances,
        // Load-independent: heartbeats served per CPU-second the master itself used.
        heartbeats_per_master_cpu_s: total / (cpu.reduce((s, c) => s + c, 0) / 100),
        load_generator_cpu_pct: cap.reduce((s, c) => s + c.cpuPct, 0) / instances,
        redis_cpu_pct: redisPid ? ((cpuSeconds(redisPid) - redisCpu0) / cap[0].seconds) * 100 : 0,
        offered_heartbeats_per_s_achieved_per_instance: lat.reduce((s, l) => s + l.heartbeatsPerS, 0) / instances,
        list_p99_ms: Math.max(...lat.map((l) => l.listP99)),
        list_p50_ms: Math.max(...lat.map((l) => l.listP50)),
        handshake_p99_ms: Math.max(...lat.map((l) => l.handshakeP99)),
        handshake_p50_ms: Math.max(...lat.map((l) => l.handshakeP50)),
        handshakes_failed: lat.reduce((s, l) => s + l.failedHandshakes, 0),
      });
      say(
        `  rep ${r + 1}/${REPS}: ${total.toFixed(0)} hb/s, list p99 ${reps[r].list_p99_ms.toFixed(1)} ms, handshake p99 ${reps[r].handshake_p99_ms.toFixed(1)} ms, failed handshakes ${reps[r].handshakes_failed} ${why}`,
      );
    }
    const held = await Promise.all(urls.map(async (u) => ((await (await fetch(`${u}/healthz`)).json()) as { sessions: number }).sessions));
    const out: Record<string, number> = { sessions_held: Math.min(...held) };
    for (const k of Object.keys(reps[0])) out[k] = median(reps.map((x) => x[k]));
    repsOf[`${kind}_x${instances}`] = reps;
    return out;
  } finally {
    for (const g of gens) {
      g.child.stdin!.end();
      g.child.kill();
    }
    for (const m of masters) m.child.kill('SIGKILL');
    await redis?.stop();
  }
}

/** Cost of one change at SESSIONS sessions: the old whole-file rewrite vs the journal append. */
async function stateFileCost(): Promise<Record<string, number>> {
  const dir = mkdtempSync(join(tmpdir(), 'coop-bench-state-'));
  try {
    const path = join(dir, 'lobby.json');
    const store = new MemoryStore({ now: Date.now, statePath: path });
    await store.load();
    const body = { name: 'session', version: '1', players: 1, maxPlayers: 4, password: false };
    const tokens: { sessionId: string; hostToken: string }[] = [];
    for (let i = 0; i < SESSIONS; i++) {
      const a = await store.announce(body, `10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`);
      if (a.ok) tokens.push(a);
    }
    if (store.size !== SESSIONS) throw new Error(`state bench: ${store.size} sessions, not ${SESSIONS}`);
    store.flush();
    const sessions = (JSON.parse(readFileSync(path, 'utf8')) as { sessions: unknown[] }).sessions;
    const before: number[] = [];
    for (let r = 0; r < 9; r++) {
      const t = performance.now();
      writeFileAtomicSync(join(dir, 'old.json'), JSON.stringify({ v: 1, sessions }), 0o600); // what every change cost before
      before.push(performance.now() - t);
    }
    const j0 = statSync(`${path}.journal`).size;
    const after: number[] = [];
    // At SESSIONS sessions: a host leaves and another announces (each change written at once).
    for (let r = 0; r < 9; r++) {
      const gone = tokens[r];
      let t = performance.now();
      await store.remove(gone.sessionId, gone.hostToken);
      after.push(performance.now() - t);
      t = performance.now();
      const a = await store.announce(body, `11.0.0.${r + 1}`);
      after.push(performance.now() - t);
      if (!a.ok || store.size !== SESSIONS) throw new Error('state bench: announce refused');
    }
    const bytesAfter = (statSync(`${path}.journal`).size - j0) / after.length;
    await store.close();
    return {
      state_change_ms_before: median(before),
      state_change_bytes_before: statSync(join(dir, 'old.json')).size,
      state_change_ms_after: median(after),
      state_change_bytes_after: bytesAfter,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const machine = () => ({
  cpu: os.cpus()[0]?.model,
  cores: os.cpus().length,
  node: process.version,
  platform: `${os.platform()} ${os.release()}`,
  loadavg_1m: os.loadavg()[0],
});
const machineBefore = machine();
const started = Date.now();
const only = process.env.BENCH_ONLY; // e.g. redis2, to look at one configuration
const skip: Record<string, number> = {
  heartbeats_per_master_cpu_s: 0,
  load_generator_cpu_pct: 0,
  redis_cpu_pct: 0,
  sessions_held: 0,
  heartbeats_per_s_total: 1,
  heartbeats_per_s_per_instance: 0,
  list_p99_ms: 0,
  handshake_p99_ms: 0,
  cpu_pct_per_instance: 0,
  offered_heartbeats_per_s_achieved_per_instance: 0,
};
const embedded = !only || only === 'embedded' ? await measure('embedded', 1) : skip;
const redis1 = !only || only === 'redis1' ? await measure('redis', 1) : skip;
const redis2 = !only || only === 'redis2' ? await measure('redis', 2) : skip;
const state = await stateFileCost();
const configs = { embedded_x1: embedded, redis_x1: redis1, redis_x2: redis2 };
const results = {
  sessions_held: Math.min(embedded.sessions_held, redis1.sessions_held, redis2.sessions_held),
  // The worst instance figure of the three configurations (what a goal must hold for).
  heartbeats_per_s_per_instance: Math.min(embedded.heartbeats_per_s_per_instance, redis1.heartbeats_per_s_per_instance, redis2.heartbeats_per_s_per_instance),
  list_p99_ms: Math.max(embedded.list_p99_ms, redis1.list_p99_ms, redis2.list_p99_ms),
  handshake_p99_ms: Math.max(embedded.handshake_p99_ms, redis1.handshake_p99_ms, redis2.handshake_p99_ms),
  two_over_one_instances_ratio: redis2.heartbeats_per_s_total / redis1.heartbeats_per_s_total,
  redis_over_embedded_ratio: redis1.heartbeats_per_s_total / embedded.heartbeats_per_s_total,
  // Per CPU-second of master work: what one instance carries on a core of its own.
  heartbeats_per_master_cpu_s_embedded: embedded.heartbeats_per_master_cpu_s,
  heartbeats_per_master_cpu_s_redis: redis1.heartbeats_per_master_cpu_s,
  ...state,
  state_change_cost_ratio_before_over_after: state.state_change_ms_before / state.state_change_ms_after,
};
const cols = [
  'sessions_held',
  'heartbeats_per_s_per_instance',
  'heartbeats_per_master_cpu_s',
  'cpu_pct_per_instance',
  'load_generator_cpu_pct',
  'redis_cpu_pct',
  'list_p99_ms',
  'handshake_p99_ms',
  'offered_heartbeats_per_s_achieved_per_instance',
];
console.log(`\nconfig        ${cols.map((c) => c.slice(0, 16).padStart(17)).join('')}`);
for (const [name, r] of Object.entries(configs)) console.log(`${name.padEnd(14)}${cols.map((c) => r[c].toFixed(1).padStart(17)).join('')}`);
console.log('');
for (const [k, v] of Object.entries(results)) console.log(`${k.padEnd(44)} ${v.toFixed(3)}`);
mkdirSync('bench/results', { recursive: true });
writeFileAtomicSync(
  'bench/results/master.json',
  `${JSON.stringify(
    {
      bench: 'master',
      date: new Date().toISOString(),
      seconds: (Date.now() - started) / 1000,
      machine: { ...machineBefore, loadavg_1m_before: machineBefore.loadavg_1m, loadavg_1m_after: os.loadavg()[0] },
      workload: { sessions: SESSIONS, reps: REPS, phase_ms: PHASE_MS, sessions_per_source_ip: 2, note: 'see docs/benchmarks.md' },
      goals: GOALS,
      results,
      configs,
      repetitions: repsOf,
    },
    null,
    2,
  )}\n`,
);
