// The list's index: pages by cursor stay exact while sessions come and go; filters combine.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { LobbyIndex } from '../../src/master/store/lobby-index.js';
import type { LobbyEntry } from '../../src/protocol/master-wire.js';

const entry = (sessionId: string, extra: Partial<LobbyEntry> = {}): LobbyEntry => ({
  sessionId,
  name: `Game ${sessionId}`,
  version: '1',
  players: 1,
  maxPlayers: 4,
  password: false,
  ...extra,
});

describe('LobbyIndex', () => {
  it('pages in id order; a row deleted or added behind the cursor never repeats or skips a later one', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.stringMatching(/^[A-Za-z0-9]{4,8}$/), { minLength: 1, maxLength: 60 }), fc.integer({ min: 1, max: 7 }), (ids, limit) => {
        const ix = new LobbyIndex();
        for (const id of ids) ix.set(entry(id));
        const sorted = [...ids].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
        const seen: string[] = [];
        let after: string | undefined;
        for (let guard = 0; guard <= ids.length; guard++) {
          const page = ix.page({ limit, after });
          seen.push(...page.sessions.map((s) => s.sessionId));
          // Churn behind the cursor: the already-listed first row leaves, a new smallest row arrives.
          if (seen.length > 0) ix.delete(seen[0]);
          ix.set(entry('0000'));
          if (!page.next) break;
          after = page.next;
        }
        expect(seen.filter((id) => id !== '0000')).toEqual(sorted.filter((id) => id !== '0000'));
      }),
    );
  });

  it('filters by name (case-insensitive), free slots and no password, together', () => {
    const ix = new LobbyIndex();
    ix.set(entry('a001', { name: 'Afterlife open' }));
    ix.set(entry('a002', { name: 'AFTERLIFE locked', password: true }));
    ix.set(entry('a003', { name: 'afterlife full', players: 4 }));
    ix.set(entry('a004', { name: 'Totentanz' }));
    const ids = (q: Parameters<LobbyIndex['page']>[0]) => ix.page(q).sessions.map((s) => s.sessionId);
    expect(ids({ limit: 10, name: 'afterLIFE' })).toEqual(['a001', 'a002', 'a003']);
    expect(ids({ limit: 10, name: 'afterlife', noPassword: true })).toEqual(['a001', 'a003']);
    expect(ids({ limit: 10, name: 'afterlife', noPassword: true, hasSlots: true })).toEqual(['a001']);
    expect(ids({ limit: 10, hasSlots: true })).toEqual(['a001', 'a002', 'a004']);
    expect(ix.page({ limit: 2 })).toEqual({
      sessions: [entry('a001', { name: 'Afterlife open' }), entry('a002', { name: 'AFTERLIFE locked', password: true })],
      next: 'a002',
    });
    expect(ix.page({ limit: 2, after: 'a002' }).next).toBeUndefined();
  });
});
