// coop-merge: three-way merge of a co-op session into a single-player .dat (--help). The
// program is runMerge (./cli.ts); this entry only hands it the real process.
import { runMain } from '../cli/io.js';
import { runMerge } from './cli.js';

await runMain('coop-merge', runMerge);
