// coop-master: lobby registry, ICE signalling and TURN REST credentials (--help). The program is
// runMaster (./cli.ts); this entry only hands it the real process.
import { runMain } from '../cli/io.js';
import { runMaster } from './cli.js';

await runMain('coop-master', runMaster);
