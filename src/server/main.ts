// coop-server: the dedicated server as a process (--help). The program is runServer
// (./cli/run-server.ts); this entry only hands it the real process.
import { runMain } from '../cli/io.js';
import { runServer } from './cli/run-server.js';

await runMain('coop-server', runServer);
