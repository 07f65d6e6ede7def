// `node --import ./test/helpers/trace-imports.mjs program.js`: prints `import <url>` on stderr
// for every module the program loads (static or import()), to test what a program loads when.
import { register } from 'node:module';

const HOOKS = `
import { writeSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  writeSync(2, 'import ' + r.url + '\\n');
  return r;
}`;
register(`data:text/javascript,${encodeURIComponent(HOOKS)}`);
