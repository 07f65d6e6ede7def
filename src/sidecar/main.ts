// coop-sidecar: runs beside the game; connects the game (bridge, sidecar role) to a coop-server
// (--help). The program is runSidecar (./cli/run-sidecar.ts); this entry only hands it the
// real process.
import { runMain } from '../cli/io.js';
import { runSidecar } from './cli/run-sidecar.js';

await runMain('coop-sidecar', runSidecar);
