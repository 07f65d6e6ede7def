// The plugin's launcher starts node.exe with the same V8 flags as SIDECAR_NODE_FLAGS, before the
// bundle (a flag after it would be the program's, not Node's).
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { SIDECAR_NODE_FLAGS } from '../../src/sidecar/node-flags.js';

describe('sidecar node flags', () => {
  it('supervise.c passes every SIDECAR_NODE_FLAGS flag between node.exe and the bundle, and no other', () => {
    const c = readFileSync('native-shims/plugin/supervise.c', 'utf8');
    const body = c.slice(c.indexOf('static void build_argv(void)'));
    const between = body.slice(body.indexOf('argv_buf[n++] = node_exe;'), body.indexOf('argv_buf[n++] = bundle;'));
    const flags = [...between.matchAll(/argv_buf\[n\+\+\] = "([^"]+)";/g)].map((m) => m[1]);
    expect(flags).toEqual([...SIDECAR_NODE_FLAGS]);
  });
});
