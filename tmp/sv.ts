import { startSim } from '../test/bridge/sim-process.js';
import { writeFileSync } from 'node:fs';
writeFileSync('/tmp/sc.json', JSON.stringify({ name: 'voice', steps: [{ at: 0, do: 'ptt', holdMs: 500 }] }));
const sim = startSim(['--session', 'dbgvoice1', '--scenario', '/tmp/sc.json', '--quiet-frames']);
setTimeout(() => { console.log(sim.lines, sim.stderr()); sim.child.kill(); }, 3000);
