// One run of the tick with its sends (tick-send.ts) in a process of its own, as bench:server
// starts each repetition: a coop-server process holds one world, not the heap and the JIT
// feedback of the runs before it (in one process, the send runs after bench:server's other
// workloads measured ≈ 0.75 ms more at p50 than the same run in a fresh process).
// argv[2]: {"clients", "entities", "seed", "batchSends"}; prints {"sendRun": SendRun} on stdout.
import { tickSendRun } from './tick-send.js';

const a = JSON.parse(process.argv[2] ?? '{}') as { clients: number; entities: number; seed: number; batchSends: boolean };
const sendRun = await tickSendRun(a.clients, a.entities, a.seed, a.batchSends);
console.log(JSON.stringify({ sendRun }));
