// A process that launches one child through coop_launch, prints its pid, and waits (the test
// kills it with SIGKILL to see the child go too).
import { loadNative } from '../../bridge/index.js';

const pid = loadNative().launch(process.argv.slice(2));
process.stdout.write(`${pid}\n`);
setInterval(() => undefined, 1_000);
