// Waiting for a condition in an end-to-end test, named so a timeout says what never happened.
// Built on vitest's vi.waitFor (which rethrows the last error when it gives up).
import { vi } from 'vitest';
import { PROC_WAIT_MS } from './proc.js';

/** Polls cond every 50 ms until it holds; fails with "timed out waiting for <what>" after timeoutMs. */
export function until(cond: () => boolean, what: string, timeoutMs = PROC_WAIT_MS): Promise<void> {
  return vi.waitFor(
    () => {
      if (!cond()) throw new Error(`timed out waiting for ${what}`);
    },
    { timeout: timeoutMs, interval: 50 },
  );
}
