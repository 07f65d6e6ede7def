#!/usr/bin/env node
// The main job (foundation version): a headless game (coop-sim, game role) and the sidecar
// (coop-sidecar) attached to it over the shared-memory bridge, printing the traffic both ways.
// Runs until Ctrl-C, then stops both cleanly. `--once`: stop after one pass of the scenario.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';

const once = process.argv.includes('--once');
const session = `demo-${process.pid}`;
for (const f of ['dist/coop-sim.js', 'dist/coop-sidecar.js']) {
  if (!existsSync(f)) {
    console.error(`demo: ${f} is missing: run npm run build (npm start does it)`);
    process.exit(1);
  }
}

const children = [];
function start(name, args) {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  createInterface({ input: child.stdout }).on('line', (line) => console.log(`[${name}] ${line}`));
  children.push(child);
  return child;
}

const game = start('game', ['dist/coop-sim.js', '--session', session, '--scenario', 'src/sim/scenarios/demo.json', '--quiet-frames', ...(once ? ['--exit-when-done'] : [])]);
// Either side may come first: whichever opens the session first creates the shared region.
start('sidecar', ['dist/coop-sidecar.js', '--session', session]);

let stopping = false;
function stop() {
  if (stopping) return;
  stopping = true;
  console.log('[demo] stopping');
  for (const c of children) if (c.exitCode === null) c.kill('SIGINT');
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
game.on('exit', () => {
  stop();
  setTimeout(() => process.exit(0), 3000).unref();
});
