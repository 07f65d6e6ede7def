// The Windows sidecar's voice codec under wine: libopus cross-compiled for Windows (opus.dll,
// scripts/win/opus.mjs) loaded by node.exe through koffi, driven by the sidecar's own
// VoiceEncoder / VoiceDecoder. Same check, same speech, same seeded loss in Linux node with
// Debian's libopus: FEC + PLC must beat "lost = silence" on both, as test/voice/codec asserts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { makeSpeech, writeSpeechWav } from '../voice/fixtures/speech.js';
import { proc } from '../helpers/proc.js';
import { scratchDir, startWinNode, windowsBuilt, winPath } from './wine.js';

/** FEC + PLC must beat "lost = silence" by at least this factor of LSD (as test/voice/codec). */
const FEC_BETTER_FACTOR = 1.15;
const LOSS_FRACTION = 0.1;
const dir = scratchDir('voice');

interface Check {
  platform: string;
  opus: string;
  settings: { fec: boolean; dtx: boolean };
  packets: number;
  lost: number;
  fecFrames: number;
  plcFrames: number;
  lsdFecDb: number;
  lsdSilenceDb: number;
}

beforeAll(() => {
  if (!windowsBuilt()) throw new Error('the Windows build is missing: run npm run setup && npm run build');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('voice codec in the Windows sidecar (opus.dll under wine)', () => {
  it('encodes with FEC and decodes with FEC + PLC as the Linux sidecar does', async () => {
    const wav = join(dir, 'speech.wav');
    writeSpeechWav(wav, makeSpeech({ sentences: ['Meet me at the corner of the market, the car is parked behind the noodle stand.'], gapMs: 500 }));
    const win = startWinNode('opus-check', 'opus-check.mjs', [winPath(wav), String(LOSS_FRACTION)], dir);
    const linux = proc(['test/windows/opus-check.ts', wav, String(LOSS_FRACTION)]);
    const w = (await win.waitJson((l) => l.platform === 'win32')) as unknown as Check;
    expect(await linux.exited).toBe(0);
    const l = JSON.parse(linux.lines[0] ?? '{}') as Check;
    console.log(
      `FEC+PLC vs silence at ${LOSS_FRACTION * 100} % loss, LSD dB: Windows/wine ${w.lsdFecDb.toFixed(2)} vs ${w.lsdSilenceDb.toFixed(2)} (${w.opus}); Linux ${l.lsdFecDb.toFixed(2)} vs ${l.lsdSilenceDb.toFixed(2)} (${l.opus})`,
    );
    for (const c of [w, l]) {
      expect(c.settings).toMatchObject({ fec: true, dtx: true });
      expect(c.lost).toBeGreaterThan(0);
      expect(c.fecFrames).toBeGreaterThan(0); // lost frames recovered from the next packet
      expect(c.plcFrames).toBeGreaterThan(0); // back-to-back losses concealed
      expect(c.lsdFecDb * FEC_BETTER_FACTOR).toBeLessThan(c.lsdSilenceDb);
    }
    expect(w.opus).toMatch(/libopus 1\.3\.1/);
    expect(w.packets).toBe(l.packets);
    expect(w.lost).toBe(l.lost); // the same seeded loss pattern
  });
});
