// The acknowledgements a peer owes (ENet's peer->acknowledgements list): a ring of four typed
// arrays, one per field, so queueing one allocates nothing and sending a datagram's worth
// removes them from the front in O(1). Grows by doubling when full (the receive path bounds
// how many can be queued between two sends).

/** Initial room, in acknowledgements; a power of two. */
const ACK_QUEUE_INITIAL_CAPACITY = 64;

export class AckQueue {
  #channelID = new Uint8Array(ACK_QUEUE_INITIAL_CAPACITY);
  #commandNumber = new Uint8Array(ACK_QUEUE_INITIAL_CAPACITY);
  #reliableSequenceNumber = new Uint16Array(ACK_QUEUE_INITIAL_CAPACITY);
  #sentTime = new Uint16Array(ACK_QUEUE_INITIAL_CAPACITY);
  #head = 0;
  #length = 0;
  #mask = ACK_QUEUE_INITIAL_CAPACITY - 1;

  get length(): number {
    return this.#length;
  }

  push(channelID: number, reliableSequenceNumber: number, commandNumber: number, sentTime: number): void {
    if (this.#length > this.#mask) this.#grow();
    const i = (this.#head + this.#length) & this.#mask;
    this.#channelID[i] = channelID;
    this.#reliableSequenceNumber[i] = reliableSequenceNumber;
    this.#commandNumber[i] = commandNumber;
    this.#sentTime[i] = sentTime;
    this.#length++;
  }

  // The n-th queued acknowledgement's fields (0 = the oldest); n < length.
  channelID(n: number): number {
    return this.#channelID[(this.#head + n) & this.#mask];
  }

  reliableSequenceNumber(n: number): number {
    return this.#reliableSequenceNumber[(this.#head + n) & this.#mask];
  }

  commandNumber(n: number): number {
    return this.#commandNumber[(this.#head + n) & this.#mask];
  }

  sentTime(n: number): number {
    return this.#sentTime[(this.#head + n) & this.#mask];
  }

  /** Forget the `count` oldest (they went out in a datagram). */
  dropFront(count: number): void {
    const n = Math.min(count, this.#length);
    this.#head = (this.#head + n) & this.#mask;
    this.#length -= n;
    if (this.#length === 0) this.#head = 0;
  }

  clear(): void {
    this.#head = 0;
    this.#length = 0;
  }

  /** Double the room, the queued acknowledgements first and in order. */
  #grow(): void {
    const capacity = (this.#mask + 1) * 2;
    const order = <T extends Uint8Array | Uint16Array>(from: T, to: T): T => {
      for (let n = 0; n < this.#length; n++) to[n] = from[(this.#head + n) & this.#mask];
      return to;
    };
    this.#channelID = order(this.#channelID, new Uint8Array(capacity));
    this.#commandNumber = order(this.#commandNumber, new Uint8Array(capacity));
    this.#reliableSequenceNumber = order(this.#reliableSequenceNumber, new Uint16Array(capacity));
    this.#sentTime = order(this.#sentTime, new Uint16Array(capacity));
    this.#head = 0;
    this.#mask = capacity - 1;
  }
}
