// coop-netcheck: connectivity checks (--help). The program is runNetcheck (./netcheck.ts); this
// entry only hands it the real process.
import { runMain } from '../cli/io.js';
import { runNetcheck } from './netcheck.js';

await runMain('coop-netcheck', runNetcheck);
