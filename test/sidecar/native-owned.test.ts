import { describe, it, expect } from 'vitest';
import { NativeOwned } from '../../src/sidecar/native-owned.js';

describe('NativeOwned', () => {
  it('frees its C object once, on the first close(), and answers null after', () => {
    const freed: object[] = [];
    const h = { c: 1 };
    const owned = new NativeOwned({}, h, (x) => freed.push(x), 'make');
    expect(owned.handle).toBe(h);
    owned.close();
    owned.close();
    expect(freed).toEqual([h]);
    expect(owned.handle).toBeNull();
  });

  it('says which create ran out of memory', () => {
    expect(() => new NativeOwned<object>({}, null, () => undefined, 'coop_x_create')).toThrow(/coop_x_create: out of memory/);
  });
});
