#!/usr/bin/env node
// Installs the Debian packages the project needs (only the missing ones) and checks Node.
// Without root it prints the exact apt-get line and stops: we never ask for a password.
import { execFileSync, spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';

/** Debian package → why the project needs it. One list for `npm start` and `npm test`. */
export const SYSTEM_PACKAGES = {
  libenet7: 'the real C ENet, for interop tests and bench:enet',
  'libenet-dev': "libenet's header, for bench:enet's C baseline (bench/native)",
  libopus0: 'Opus voice codec (loaded through koffi)',
  libportaudio2: 'audio capture and playback devices (loaded through koffi)',
  coturn: 'TURN/STUN relay for NAT traversal tests and the relay path',
  chromium: 'the dashboard browser test (driven by playwright-core)',
  iproute2: 'network namespaces for the NAT lab',
  iptables: 'NAT routers (MASQUERADE) in the NAT lab',
  'espeak-ng': 'speech for voice tests and the demo',
  sox: 'audio conversion and measurement',
  'redis-server': 'the shared store of several coop-master instances (tests start their own on a free port)',
  'gcc-mingw-w64-x86-64': 'cross-compiles the Windows shim, launcher, test game and libopus (native-shims/, scripts/win/)',
  wine64: 'runs the Windows builds (node.exe sidecar, test game) in the tests and bench:bridge --win',
  wine: 'the `wine` command (wine64 alone ships no launcher on the PATH)',
};

const { values } = parseArgs({ options: { for: { type: 'string', default: 'test' }, check: { type: 'boolean', default: false } } });

const major = Number(process.versions.node.split('.')[0]);
if (major < 20) {
  console.error(`coop-bridge needs Node >= 20, this is ${process.version}`);
  process.exit(1);
}

function installed(pkg) {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.includes('install ok installed');
}

const missing = Object.keys(SYSTEM_PACKAGES).filter((p) => !installed(p));
if (missing.length === 0) process.exit(0);
const line = `apt-get install -y --no-install-recommends ${missing.join(' ')}`;
if (values.check) {
  console.error(`missing system packages: ${missing.join(', ')}\n  ${line}`);
  process.exit(1);
}
if (typeof process.getuid === 'function' && process.getuid() !== 0) {
  console.error(`coop-bridge setup (${values.for}) needs these Debian packages: ${missing.join(', ')}`);
  console.error(`run as root:\n  apt-get update && ${line}`);
  process.exit(1);
}
console.log(`[setup] installing ${missing.join(', ')} with apt-get`);
const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
const opts = { stdio: ['ignore', 'inherit', 'inherit'], env };
const args = ['install', '-y', '--no-install-recommends', ...missing];
try {
  execFileSync('apt-get', args, opts);
} catch {
  // A fresh machine has no package lists yet: update once, then try again.
  execFileSync('apt-get', ['update'], opts);
  execFileSync('apt-get', args, opts);
}
const still = missing.filter((p) => !installed(p));
if (still.length) {
  console.error(`[setup] still missing after apt-get: ${still.join(', ')}`);
  process.exit(1);
}
