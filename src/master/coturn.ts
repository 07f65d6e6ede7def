// Starts Debian's coturn (/usr/bin/turnserver) with a generated configuration: REST credentials
// (use-auth-secret) with a fresh random secret, listening only on the given address, no CLI, no
// TLS. Used by the tests, the NAT lab, and `coop-master --coturn` when a relay is wanted.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { existsSync, mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const TURNSERVER_BIN = '/usr/bin/turnserver';
/** util-linux (Debian essential): sets the parent-death signal, then execs the command. */
export const SETPRIV_BIN = '/usr/bin/setpriv';
export const COTURN_REALM = 'coop-bridge';
export const COTURN_SECRET_BYTES = 32;
export const COTURN_RELAY_PORT_SPAN = 200;
export const COTURN_READY_TIMEOUT_MS = 15_000;
const READY_PROBE_MS = 100;
const STUN_HEADER_BYTES = 20;
const STUN_MAGIC_COOKIE = 0x2112a442;
const STUN_BINDING_REQUEST = 0x0001;
const STUN_BINDING_SUCCESS = 0x0101;

export interface CoturnOptions {
  /** The one address coturn listens and relays on (loopback or a lab address). */
  ip: string;
  /** UDP/TCP listening port; 0 picks a free one. */
  port?: number;
  /** Secret shared with coop-master; a fresh random one when omitted. */
  secret?: string;
  /** Relay port range start; a random range in 20000–59000 when omitted. */
  minRelayPort?: number;
  /** Run the process through this prefix (e.g. `['ip', 'netns', 'exec', 'pub']`). */
  commandPrefix?: string[];
}

export interface Coturn {
  readonly ip: string;
  readonly port: number;
  /** The static-auth-secret: hand it to coop-master only; never log it. */
  readonly secret: string;
  readonly uri: string;
  readonly dir: string;
  readonly process: ChildProcess;
  logText(): string;
  stop(): Promise<void>;
}

/** The generated turnserver.conf (exported for the tests: it must hold no open listener). */
export function coturnConfig(o: { ip: string; port: number; secret: string; minPort: number; dir: string }): string {
  const loopback = o.ip.startsWith('127.') || o.ip === '::1';
  return [
    `listening-ip=${o.ip}`,
    `relay-ip=${o.ip}`,
    `listening-port=${o.port}`,
    `min-port=${o.minPort}`,
    `max-port=${o.minPort + COTURN_RELAY_PORT_SPAN - 1}`,
    'use-auth-secret',
    `static-auth-secret=${o.secret}`,
    `realm=${COTURN_REALM}`,
    'fingerprint',
    'no-cli',
    'no-tls',
    'no-dtls',
    'no-multicast-peers',
    ...(loopback ? ['allow-loopback-peers'] : []),
    'no-software-attribute',
    ...(process.env.COOP_COTURN_VERBOSE ? ['verbose'] : []),
    `pidfile=${join(o.dir, 'turnserver.pid')}`,
    `userdb=${join(o.dir, 'turndb')}`,
    `log-file=${join(o.dir, 'turnserver.log')}`,
    'simple-log',
    'no-stdout-log',
    '',
  ].join('\n');
}

/** A free UDP port on `ip` (bound, read, released). */
export function freeUdpPort(ip: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createSocket(ip.includes(':') ? 'udp6' : 'udp4');
    s.once('error', reject);
    s.bind(0, ip, () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** Sends STUN Binding requests until one is answered or the deadline passes. */
export function waitForStun(ip: string, port: number, timeoutMs: number, prefixBind?: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const s = createSocket(ip.includes(':') ? 'udp6' : 'udp4');
    const deadline = Date.now() + timeoutMs;
    let timer: NodeJS.Timeout | undefined;
    const finish = (err?: Error): void => {
      clearTimeout(timer);
      s.close();
      if (err) reject(err);
      else resolve();
    };
    s.on('message', (msg) => {
      if (msg.length >= STUN_HEADER_BYTES && msg.readUInt16BE(0) === STUN_BINDING_SUCCESS) finish();
    });
    s.on('error', (err) => finish(err));
    const probe = (): void => {
      if (Date.now() > deadline) return finish(new Error(`coturn on ${ip}:${port} did not answer STUN within ${timeoutMs} ms`));
      const req = Buffer.alloc(STUN_HEADER_BYTES);
      req.writeUInt16BE(STUN_BINDING_REQUEST, 0);
      req.writeUInt32BE(STUN_MAGIC_COOKIE, 4);
      randomBytes(12).copy(req, 8);
      s.send(req, port, ip);
      timer = setTimeout(probe, READY_PROBE_MS);
    };
    s.bind(0, prefixBind, probe);
  });
}

/** Starts coturn and resolves once it answers STUN. */
export async function startCoturn(opts: CoturnOptions): Promise<Coturn> {
  const dir = mkdtempSync(join(tmpdir(), 'coop-coturn-'));
  const port = opts.port || (opts.commandPrefix ? 3478 : await freeUdpPort(opts.ip));
  const secret = opts.secret ?? randomBytes(COTURN_SECRET_BYTES).toString('hex');
  const minPort = opts.minRelayPort ?? 20_000 + Math.floor(Math.random() * 39_000);
  const conf = join(dir, 'turnserver.conf');
  writeFileSync(conf, coturnConfig({ ip: opts.ip, port, secret, minPort, dir }), { mode: 0o600 });
  // coturn must not outlive the process that started it, even one killed with SIGKILL (whose
  // 'exit' handler below never runs): util-linux's setpriv sets the parent-death signal and
  // execs turnserver in the same process.
  const deathSig = existsSync(SETPRIV_BIN) ? [SETPRIV_BIN, '--pdeathsig', 'KILL', '--'] : [];
  const argv = [...(opts.commandPrefix ?? []), ...deathSig, TURNSERVER_BIN, '-c', conf];
  const child = spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4096);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const killOnExit = (): void => {
    child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);
  void exited.then(() => process.off('exit', killOnExit));
  const logText = (): string => {
    try {
      return readFileSync(join(dir, 'turnserver.log'), 'utf8');
    } catch {
      return stderr;
    }
  };
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 3_000);
      await exited;
      clearTimeout(t);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const died = exited.then(() => {
      throw new Error(`turnserver exited early: ${stderr.trim().slice(0, 300)}`);
    });
    // In a namespace the probe must run there too; the caller probes itself in that case.
    if (!opts.commandPrefix) await Promise.race([waitForStun(opts.ip, port, COTURN_READY_TIMEOUT_MS), died]);
  } catch (err) {
    await stop();
    throw err;
  }
  const hostPart = opts.ip.includes(':') ? `[${opts.ip}]` : opts.ip;
  return { ip: opts.ip, port, secret, uri: `turn:${hostPart}:${port}?transport=udp`, dir, process: child, logText, stop };
}
