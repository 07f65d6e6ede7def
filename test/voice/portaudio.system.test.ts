import { describe, it, expect } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../helpers/proc.js';

const PROBE = join(import.meta.dirname, 'fixtures', 'pa-probe.ts');

async function probe(device: string, home: string): Promise<{ names: string[]; ok: boolean; message: string | null; frames: number; sizes: number[] }> {
  const r = await run([PROBE, device], { env: { ...process.env, HOME: home } });
  expect(r.code).toBe(0); // never a crash
  const line = r.stdout.trim().split('\n').pop()!;
  return JSON.parse(line);
}

describe('PortAudio capture (libportaudio2 via koffi)', () => {
  it('no sound card: a missing device is one clear line naming what exists, not a crash', async () => {
    const home = mkdtempSync(join(tmpdir(), 'coop-pa-none-'));
    const r = await probe('Headset Mic', home);
    expect(r.ok).toBe(false);
    // here (no sound card): '… capture devices: none (PortAudio found no sound device)'
    expect(r.message).toMatch(/^capture device "Headset Mic" not found; capture devices: (none \(PortAudio found no sound device\)|".+")$/);
    expect(r.message!.split('\n')).toHaveLength(1);
  });

  it('with a device (ALSA null PCM): lists it, captures 960-sample frames, and names it when another is asked for', async () => {
    const home = mkdtempSync(join(tmpdir(), 'coop-pa-null-'));
    writeFileSync(join(home, '.asoundrc'), 'pcm.coopnull {\n  type null\n  hint { show on description "coop-bridge test device" }\n}\n');
    const ok = await probe('coopnull', home);
    expect(ok.names).toContain('coopnull');
    expect(ok.ok).toBe(true);
    expect(ok.frames).toBeGreaterThan(0);
    expect(ok.sizes).toEqual([960]);
    const missing = await probe('Headset Mic', home);
    expect(missing.ok).toBe(false);
    expect(missing.message).toMatch(/^capture device "Headset Mic" not found; capture devices: .*"coopnull"/);
  });
});
