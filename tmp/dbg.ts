import { startProc } from '../test/voice/procs.js';
import { writeFileSync } from 'node:fs';
writeFileSync('/tmp/scA.json', JSON.stringify({ name: 'A', steps: [
  { at: 0, do: 'transform', pos: [0, 0, 0] },
  { at: 2500, do: 'mic', wav: '/tmp/x.wav' },
  { at: 2500, do: 'ptt', holdMs: 1000 },
  { at: 9000, do: 'settings', pttKey: 'V', voiceActivation: true },
]}));
const sim = startProc('simA', 'src/sim/main.ts', ['--session', 'dbgA1', '--scenario', '/tmp/scA.json', '--quiet-frames']);
setTimeout(async () => { console.log(sim.lines.join('\n')); await sim.stop(); }, 3000);
