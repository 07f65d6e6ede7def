// coop-sim: the headless game host as a process (--help). The program is runSim (./cli.ts);
// this entry only hands it the real process.
import { runMain } from '../cli/io.js';
import { runSim } from './cli.js';

await runMain('coop-sim', runSim);
