// The headless game's repeating scenario: a round whose steps take no time must not spin (it
// starved the bridge heartbeat, and the sidecar saw the game as dead). Rounds are spaced by at
// least SCENARIO_REPEAT_MIN_MS on the game's own clock, and the bridge stays attached.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { openBridge } from '../../bridge/index.js';
import { SCENARIO_REPEAT_MIN_MS } from '../../src/sim/host.js';
import { proc } from '../helpers/proc.js';
import { WAIT, removeSessions, sessionName } from './util.js';

const dir = mkdtempSync(join(tmpdir(), 'coop-sim-repeat-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  removeSessions();
});

describe('coop-sim repeating scenario', () => {
  it('spaces zero-length rounds by the minimum round time and keeps the bridge alive', async () => {
    const scenario = join(dir, 'instant.json');
    writeFileSync(scenario, JSON.stringify({ name: 'instant', repeat: true, steps: [{ at: 0, do: 'settings', pttKey: 'V', voiceActivation: false }] }));
    const s = sessionName('repeat');
    const game = proc(['src/sim/main.ts', '--bridge', s, '--scenario', scenario, '--quiet']);
    await game.jsonLine((l) => l.event === 'open');
    const side = openBridge({ name: s, role: 'sidecar' });
    const settings: number[] = [];
    side.on('SettingsChanged', () => settings.push(settings.length));
    try {
      const done = () => game.json.filter((l) => l.event === 'scenarioDone').map((l) => l.t as number);
      await vi.waitUntil(
        () => {
          if (game.child.exitCode !== null) throw new Error(`sim exited: ${game.err()}`);
          return done().length >= 3;
        },
        { ...WAIT, interval: 20 },
      );
      const t = done();
      for (let i = 1; i < t.length; i++) expect(t[i] - t[i - 1]).toBeGreaterThanOrEqual(SCENARIO_REPEAT_MIN_MS - 1);
      await vi.waitUntil(() => settings.length >= 3, WAIT);
      expect(side.state).toBe('attached');
    } finally {
      await side.close();
      game.child.kill('SIGTERM');
      await game.exited;
    }
  }, 30_000);
});
