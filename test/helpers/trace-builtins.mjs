// `node --import ./test/helpers/trace-builtins.mjs program.js`: when the program exits, prints
// `builtin <name>` on stderr for every Node built-in module it loaded (process.moduleLoadList),
// to test which of Node's own modules a program pulls in (each costs RSS: docs/sidecar.md).
import { writeSync } from 'node:fs';

process.on('exit', () => {
  const names = process.moduleLoadList.filter((m) => m.startsWith('NativeModule ')).map((m) => m.slice('NativeModule '.length));
  writeSync(2, names.map((n) => `builtin ${n}\n`).join(''));
});
