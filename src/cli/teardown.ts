// One teardown list for a program's composition root: each resource registers its closer as it
// is made, and every exit path (signal, fatal error, normal end, refusal) runs the same list
// once, newest first, so nothing is closed before what depends on it and nothing twice.

export type Closer = () => void | Promise<void>;

export interface TeardownOptions {
  /** A closer that throws is reported here and the rest still run. */
  onError?: (name: string, err: unknown) => void;
}

export class Teardown {
  readonly #closers: { name: string; close: Closer }[] = [];
  readonly #onError: (name: string, err: unknown) => void;
  #running: Promise<void> | undefined;

  constructor(opts: TeardownOptions = {}) {
    this.#onError = opts.onError ?? (() => undefined);
  }

  /** Whether run() has been called (a closer added now runs at once, see add). */
  get started(): boolean {
    return this.#running !== undefined;
  }

  /** The names registered so far, in registration order (diagnostics and tests). */
  get names(): readonly string[] {
    return this.#closers.map((c) => c.name);
  }

  /**
   * Registers a closer. After run() has started, the resource was made too late to be in the
   * list: it is closed at once instead of leaking.
   */
  add(name: string, close: Closer): void {
    if (this.#running) {
      void this.#runOne({ name, close });
      return;
    }
    this.#closers.push({ name, close });
  }

  /** Runs every closer once, newest first; later calls return the same promise. */
  run(): Promise<void> {
    this.#running ??= (async () => {
      for (const closer of [...this.#closers].reverse()) await this.#runOne(closer);
    })();
    return this.#running;
  }

  async #runOne(closer: { name: string; close: Closer }): Promise<void> {
    try {
      await closer.close();
    } catch (err) {
      this.#onError(closer.name, err);
    }
  }
}

/**
 * The moment a long-running program decides to end: the first finish() wins (a refusal that
 * closes the bridge must not be overwritten by the bridge's own "closed"), and everything
 * waiting on `code` then runs the teardown list.
 */
export class ExitLatch {
  #code: number | undefined;
  #reason: string | undefined;
  #settle!: (code: number) => void;
  readonly code: Promise<number> = new Promise((resolve) => {
    this.#settle = resolve;
  });

  get done(): boolean {
    return this.#code !== undefined;
  }

  /** Why the program ends, when the path that ended it said (e.g. told to the game). */
  get reason(): string | undefined {
    return this.#reason;
  }

  finish(code: number, reason?: string): void {
    if (this.#code !== undefined) return;
    this.#code = code;
    this.#reason = reason;
    this.#settle(code);
  }
}
