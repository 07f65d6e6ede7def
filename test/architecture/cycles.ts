// Load-order cycles: two modules that import each other at run time (ENet's acknowledge.ts and
// connect.ts did) load in an order that depends on who is imported first, and one sees the
// other's exports undefined while it initialises. Type-only imports are erased, so they do not
// count. Found with Tarjan's strongly connected components over the runtime arrows.
import type { ImportEdge } from './layers.js';

/** The module a specifier names: `x.js` is written for the TypeScript file `x.ts`. */
const moduleOf = (path: string): string => path.replace(/\.(js|mjs)$/, '.ts');

/** Each runtime cycle as its files, sorted, one line: "a.ts <-> b.ts <-> c.ts". */
export function runtimeCycles(edges: readonly ImportEdge[]): string[] {
  const next = new Map<string, string[]>();
  for (const e of edges) {
    if (e.typeOnly) continue;
    const from = moduleOf(e.file);
    const list = next.get(from) ?? [];
    list.push(moduleOf(e.target));
    next.set(from, list);
  }
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const cycles: string[] = [];
  let counter = 0;
  const visit = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter);
    counter++;
    stack.push(v);
    onStack.add(v);
    for (const w of next.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    const selfLoop = (next.get(v) ?? []).includes(v);
    if (component.length > 1 || selfLoop) cycles.push(component.sort().join(' <-> '));
  };
  for (const v of next.keys()) if (!index.has(v)) visit(v);
  return cycles.sort();
}
