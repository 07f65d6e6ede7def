// docs/design.md "Who imports whom", kept true: every import in src/ and bridge/ is read and
// checked against the layer rules; a wrong-way arrow fails naming the file, line and rule.
import { describe, expect, it } from 'vitest';
import { runtimeCycles } from './cycles.js';
import { LAYER_RULES, importsOf, projectRoot, readImportGraph, violations, type LayerRule } from './layers.js';

/** A file that breaks each rule, and what it imports (rule order). */
const PLANTED: Record<string, [file: string, specifier: string]> = {
  'src/util/': ['src/util/clock.ts', '../net/enet/index.js'],
  'src/net/enet/': ['src/net/enet/host.ts', '../../protocol/codec.js'],
  'src/net/nat/': ['src/net/nat/master-client.ts', '../../master/constants.js'],
  'bridge/': ['bridge/bridge.ts', '../src/net/enet/index.js'],
  'src/server/': ['src/server/server.ts', '../../bridge/index.js'],
  'src/sidecar/': ['src/sidecar/main.ts', '../server/server.js'],
  'src/master/': ['src/master/http.ts', '../server/server.js'],
  'src/merge/': ['src/merge/io.ts', '../net/enet/index.js'],
  'src/protocol/': ['src/protocol/codec.ts', '../master/constants.js'],
  'src/voice/': ['src/voice/relay.ts', '../server/server.js'],
  'src/cli/': ['src/cli/options.ts', '../net/nat/nat-client.js'],
};

describe('import graph', () => {
  it('no import in src/ or bridge/ points the wrong way', () => {
    const { files, edges } = readImportGraph(projectRoot());
    // The graph was really read: enough files, and arrows that must exist are there.
    expect(files).toBeGreaterThan(100);
    expect(edges.some((e) => e.file.startsWith('src/server/') && e.target.startsWith('src/protocol/'))).toBe(true);
    expect(edges.some((e) => e.file.startsWith('src/net/enet/') && e.target.startsWith('src/util/'))).toBe(true);
    expect(violations(edges)).toEqual([]);
  });
});

describe('the rule engine (self-check: the test above can fail)', () => {
  it('has a planted bad arrow for every rule, and catches each one naming file, line and rule', () => {
    expect(Object.keys(PLANTED).sort()).toEqual(LAYER_RULES.map((r) => r.from).sort());
    for (const rule of LAYER_RULES) {
      const [file, specifier] = PLANTED[rule.from]!;
      const text = `// a comment\nimport { x } from '${specifier}';\n`;
      const found = violations(importsOf(file, text));
      expect(found, `${rule.from} should catch ${specifier}`).toHaveLength(1);
      expect(found[0]).toContain(`${file}:2 imports`);
      expect(found[0]).toContain(`rule "${rule.from} `);
      expect(found[0]).toContain(rule.why);
    }
  });

  it('sees every form of import, and not one in a comment or a string', () => {
    const text = [
      "export { a } from '../../protocol/a.js';",
      "const b = await import('../../server/b.js');",
      "import '../../sidecar/c.js';",
      "import type { D } from '../../voice/d.js';",
      "// import { e } from '../../protocol/e.js';",
      'const s = "from \'../../protocol/f.js\'";',
      "import { ok } from '../../util/clock.js';",
      "import { z } from 'zod';",
    ].join('\n');
    const edges = importsOf('src/net/enet/x.ts', text);
    expect(edges.map((e) => e.target)).toEqual(['src/protocol/a.js', 'src/server/b.js', 'src/sidecar/c.js', 'src/voice/d.js', 'src/util/clock.js']);
    expect(violations(edges).map((v) => v.split(' ')[0])).toEqual(['src/net/enet/x.ts:1', 'src/net/enet/x.ts:2', 'src/net/enet/x.ts:3', 'src/net/enet/x.ts:4']);
  });

  it('lets the right-way arrows through', () => {
    const fine: [string, string][] = [
      ['src/server/server.ts', '../protocol/codec.js'],
      ['src/sidecar/main.ts', '../../bridge/index.js'],
      ['src/net/nat/handshake.ts', '../../protocol/master-wire.js'],
      ['src/merge/io.ts', '../util/json-file.js'],
      ['bridge/codegen/generate.ts', '../../src/util/atomic-file.js'],
      ['src/util/clock.ts', './random.js'],
      ['src/cli/option-groups.ts', '../net/nat/constants.js'],
    ];
    for (const [file, spec] of fine) expect(violations(importsOf(file, `import { x } from '${spec}';`))).toEqual([]);
  });

  it('an `only` rule refuses anything outside it', () => {
    const rule: LayerRule = { from: 'a/', only: ['a/'], why: 'test' };
    expect(violations(importsOf('a/x.ts', "import { y } from '../b/y.js';"), [rule])).toHaveLength(1);
    expect(violations(importsOf('a/x.ts', "import { y } from './y.js';"), [rule])).toHaveLength(0);
  });
});

describe('runtime import cycles', () => {
  it('no two modules in src/ or bridge/ import each other at run time', () => {
    const { edges } = readImportGraph(projectRoot());
    expect(runtimeCycles(edges)).toEqual([]);
  });

  it('self-check: a planted runtime cycle is found, a type-only one is not', () => {
    const cyclic = [
      ...importsOf('src/net/enet/acknowledge.ts', "import { notifyConnect } from './connect.js';"),
      ...importsOf('src/net/enet/connect.ts', "import { removeSentReliableCommand } from './acknowledge.js';"),
    ];
    expect(runtimeCycles(cyclic)).toEqual(['src/net/enet/acknowledge.ts <-> src/net/enet/connect.ts']);
    const typeOnly = [
      ...importsOf('src/net/enet/host.ts', "import { Peer } from './peer.js';"),
      ...importsOf('src/net/enet/peer.ts', "import type { EnetHost } from './host.js';"),
      ...importsOf('src/net/enet/send.ts', "import { type Peer, type Other } from './peer.js';"),
    ];
    expect(typeOnly.map((e) => e.typeOnly)).toEqual([false, true, true]);
    expect(runtimeCycles(typeOnly)).toEqual([]);
    const longer = [
      ...importsOf('a/x.ts', "import './y.js';"),
      ...importsOf('a/y.ts', "export { z } from './z.js';"),
      ...importsOf('a/z.ts', "const x = await import('./x.js');"),
    ];
    expect(runtimeCycles(longer)).toEqual(['a/x.ts <-> a/y.ts <-> a/z.ts']);
  });
});
