// The masters a host or joiner may use (`--master URL[,URL…]`, read in src/cli/option-groups.ts), in order: the current one until
// it fails, then the next (wrapping). With several coop-master instances on one Redis any of
// them serves the same lobby, so moving costs a player nothing but a handshake in flight.
export class MasterPool {
  readonly urls: readonly string[];
  #i = 0;

  constructor(urls: string | readonly string[]) {
    this.urls = typeof urls === 'string' ? [urls] : [...urls];
    if (this.urls.length === 0) throw new TypeError('MasterPool needs at least one master URL');
  }

  get current(): string {
    return this.urls[this.#i];
  }

  /** Moves to the next master and returns it. */
  advance(): string {
    this.#i = (this.#i + 1) % this.urls.length;
    return this.current;
  }
}
