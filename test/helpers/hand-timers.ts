// Timers fired by hand at the in-process harness's time (test/server/harness.ts): a sidecar's
// held reports and its tick pacer run on the harness clock.
import type { Harness } from '../server/harness.js';
import type { Timers } from '../../src/util/clock.js';

/** Timers fired by hand at the harness time they are due. */
export class HandTimers implements Timers {
  pending: { dueMs: number; fn: () => void }[] = [];
  constructor(private readonly h: Harness) {}
  setTimeout(fn: () => void, ms: number): unknown {
    const t = { dueMs: this.h.t + ms, fn };
    this.pending.push(t);
    return t;
  }
  clearTimeout(handle: unknown): void {
    this.pending = this.pending.filter((t) => t !== handle);
  }
  /** Fires every timer due by the harness time. */
  fireDue(): void {
    const due = this.pending.filter((t) => t.dueMs <= this.h.t);
    this.pending = this.pending.filter((t) => t.dueMs > this.h.t);
    for (const t of due) t.fn();
  }
}
