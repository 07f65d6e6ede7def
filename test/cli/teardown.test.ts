// The one teardown list every composition root uses: reverse order, once, errors contained.
import { describe, expect, it } from 'vitest';
import { Teardown } from '../../src/cli/teardown.js';

describe('Teardown', () => {
  it('runs closers newest first, awaiting each before the next', async () => {
    const t = new Teardown();
    const log: string[] = [];
    t.add('socket', () => {
      log.push('socket');
    });
    t.add('bridge', async () => {
      await new Promise((r) => setTimeout(r, 5));
      log.push('bridge');
    });
    t.add('timers', () => {
      log.push('timers');
    });
    await t.run();
    expect(log).toEqual(['timers', 'bridge', 'socket']);
    expect(t.names).toEqual(['socket', 'bridge', 'timers']);
  });

  it('is idempotent: concurrent and later calls share one run, each closer runs once', async () => {
    const t = new Teardown();
    let closes = 0;
    t.add('host', async () => {
      closes++;
      await new Promise((r) => setTimeout(r, 5));
    });
    const [a, b] = [t.run(), t.run()];
    expect(a).toBe(b);
    await Promise.all([a, b, t.run()]);
    await t.run();
    expect(closes).toBe(1);
    expect(t.started).toBe(true);
  });

  it('a closer that throws is reported and the others still run', async () => {
    const errors: string[] = [];
    const t = new Teardown({ onError: (name, err) => errors.push(`${name}: ${(err as Error).message}`) });
    const log: string[] = [];
    t.add('first', () => {
      log.push('first');
    });
    t.add('broken', () => {
      throw new Error('boom');
    });
    t.add('rejecting', () => Promise.reject(new Error('late boom')));
    await t.run();
    expect(log).toEqual(['first']);
    expect(errors).toEqual(['rejecting: late boom', 'broken: boom']);
  });

  it('a resource registered after the run started is closed at once, not leaked', async () => {
    const t = new Teardown();
    let closed = false;
    const running = t.run();
    t.add('late socket', () => {
      closed = true;
    });
    await running;
    await new Promise((r) => setImmediate(r));
    expect(closed).toBe(true);
  });
});
