// coop-sidecar's --pace: native (the default: the native path's thread, native-path.ts), frames
// or tick; anything else is a usage error that names all three.
import { describe, expect, it } from 'vitest';
import { sidecarOptionsFrom, type SidecarOptions } from '../../src/sidecar/cli/sidecar-options.js';

const base = ['--server', '127.0.0.1:7777', '--bridge', 'b1', '--data-dir', '/tmp/coop-options-test'];
const pace = (extra: string[]): string => (sidecarOptionsFrom([...base, ...extra], {}) as SidecarOptions).pace;

describe('coop-sidecar --pace', () => {
  it('is native unless told, and takes frames and tick', () => {
    expect(pace([])).toBe('native');
    expect(pace(['--pace', 'frames'])).toBe('frames');
    expect(pace(['--pace', 'tick'])).toBe('tick');
    expect(pace(['--pace', 'native'])).toBe('native');
  });

  it('refuses anything else, naming what it takes', () => {
    expect(() => pace(['--pace', 'thread'])).toThrow(/--pace must be frames, tick or native, got .thread./);
  });
});
