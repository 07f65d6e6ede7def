// scripts/win/pe-page-align.mjs: the sidecar's node.exe re-laid with its sections on 4 KiB file
// boundaries (so wine maps them instead of copying them). Checked on the mingw-built test game
// (512-byte file alignment, as node.exe): every section lands on a page, its bytes unchanged,
// the signature's directory cleared; the build's node.exe is laid out so; bad input is refused
// with a clear error. That wine runs it is every wine test's (they all start this node.exe) and
// node-image-wine.system.test.ts shows wine maps it from the file.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { PE_PAGE_BYTES, pageAlignPe, peFileAlignment } from '../../scripts/win/pe-page-align.mjs';
import { WIN_GAME_EXE, WIN_NODE_EXE } from '../../scripts/win/paths.mjs';
import { windowsBuilt } from './wine.js';

interface Section {
  name: string;
  virtualAt: number;
  rawBytes: number;
  rawAt: number;
}

function sectionsOf(b: Buffer): Section[] {
  const coff = b.readUInt32LE(0x3c) + 4;
  const table = coff + 20 + b.readUInt16LE(coff + 16);
  return Array.from({ length: b.readUInt16LE(coff + 2) }, (_, i) => {
    const s = table + i * 40;
    return {
      name: b
        .subarray(s, s + 8)
        .toString('latin1')
        .replace(/\0+$/, ''),
      virtualAt: b.readUInt32LE(s + 12),
      rawBytes: b.readUInt32LE(s + 16),
      rawAt: b.readUInt32LE(s + 20),
    };
  });
}
const securityDir = (b: Buffer): number => {
  const optional = b.readUInt32LE(0x3c) + 24;
  return b.readUInt32LE(optional + 112 + 4 * 8) + b.readUInt32LE(optional + 112 + 4 * 8 + 4);
};

beforeAll(() => {
  if (!windowsBuilt()) throw new Error('the Windows build is missing: run npm run setup && npm run build');
});

describe('node.exe re-laid on page boundaries (scripts/win/pe-page-align.mjs)', () => {
  it('puts every section of a 512-byte-aligned image on a page, its bytes unchanged, the rest zero', () => {
    const game = readFileSync(WIN_GAME_EXE);
    expect(peFileAlignment(game)).toBe(512);
    const out = pageAlignPe(game);
    expect(peFileAlignment(out)).toBe(PE_PAGE_BYTES);
    const before = sectionsOf(game);
    const after = sectionsOf(out);
    expect(after.map((s) => [s.name, s.virtualAt])).toEqual(before.map((s) => [s.name, s.virtualAt]));
    expect(before.some((s) => s.rawAt % PE_PAGE_BYTES !== 0)).toBe(true); // there was something to move
    after.forEach((s, i) => {
      const was = before[i];
      if (was.rawBytes === 0) return;
      expect(s.rawAt % PE_PAGE_BYTES, s.name).toBe(0);
      expect(s.rawBytes % PE_PAGE_BYTES, s.name).toBe(0);
      expect(out.subarray(s.rawAt, s.rawAt + was.rawBytes).equals(game.subarray(was.rawAt, was.rawAt + was.rawBytes)), s.name).toBe(true);
      expect(
        out.subarray(s.rawAt + was.rawBytes, s.rawAt + s.rawBytes).every((x) => x === 0),
        s.name,
      ).toBe(true);
    });
    expect(securityDir(out)).toBe(0);
    // laying out an aligned image again changes nothing
    expect(pageAlignPe(out).equals(out)).toBe(true);
  });

  it("leaves the build's node.exe laid out on pages", () => {
    const node = readFileSync(WIN_NODE_EXE);
    expect(peFileAlignment(node)).toBe(PE_PAGE_BYTES);
    for (const s of sectionsOf(node)) expect(s.rawAt % PE_PAGE_BYTES, s.name).toBe(0);
  });

  it('refuses what is no PE32+ image with a clear error', () => {
    const game = readFileSync(WIN_GAME_EXE);
    expect(() => pageAlignPe(Buffer.from('not an executable'))).toThrow(/not a PE image: no MZ header/);
    expect(() => pageAlignPe(game.subarray(0, 0x50))).toThrow(/not a PE image/);
    const noSignature = Buffer.from(game);
    noSignature.writeUInt32LE(0, noSignature.readUInt32LE(0x3c));
    expect(() => pageAlignPe(noSignature)).toThrow(/no PE signature/);
    const truncated = game.subarray(0, sectionsOf(game).at(-1)!.rawAt + 16);
    expect(() => pageAlignPe(truncated)).toThrow(/runs past the end/);
  });
});
