// coop-sidecar's --pace: frames (the default), tick, or native (the native path's thread,
// native-path.ts); anything else is a usage error that names all three.
import { describe, expect, it } from 'vitest';
import { sidecarOptionsFrom, type SidecarOptions } from '../../src/sidecar/cli/sidecar-options.js';

const base = ['--server', '127.0.0.1:7777', '--bridge', 'b1', '--data-dir', '/tmp/coop-options-test'];
const pace = (extra: string[]): string => (sidecarOptionsFrom([...base, ...extra], {}) as SidecarOptions).pace;

describe('coop-sidecar --pace', () => {
  it('is frames unless told, and takes tick and native', () => {
    expect(pace([])).toBe('frames');
    expect(pace(['--pace', 'tick'])).toBe('tick');
    expect(pace(['--pace', 'native'])).toBe('native');
  });

  it('refuses anything else, naming what it takes', () => {
    expect(() => pace(['--pace', 'thread'])).toThrow(/--pace must be frames, tick or native, got .thread./);
  });
});
