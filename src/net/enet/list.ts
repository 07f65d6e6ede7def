// An intrusive doubly-linked list with a sentinel (ENet's list.c idea): commands move between
// a peer's queues in O(1) and are removed from the middle without searching.

export class ListNode {
  prev: ListNode = this;
  next: ListNode = this;
}

export class List<T extends ListNode> {
  readonly sentinel = new ListNode();

  get empty(): boolean {
    return this.sentinel.next === this.sentinel;
  }

  /** First element, or undefined when empty. */
  front(): T | undefined {
    const n = this.sentinel.next;
    return n === this.sentinel ? undefined : (n as T);
  }

  back(): T | undefined {
    const n = this.sentinel.prev;
    return n === this.sentinel ? undefined : (n as T);
  }

  end(): ListNode {
    return this.sentinel;
  }

  pushBack(node: T): void {
    insertBefore(this.sentinel, node);
  }

  clear(): void {
    this.sentinel.next = this.sentinel;
    this.sentinel.prev = this.sentinel;
  }

  size(): number {
    let n = 0;
    for (let c = this.sentinel.next; c !== this.sentinel; c = c.next) n++;
    return n;
  }
}

/** Insert `node` just before `position`. */
export function insertBefore(position: ListNode, node: ListNode): void {
  node.prev = position.prev;
  node.next = position;
  position.prev.next = node;
  position.prev = node;
}

/** Insert `node` just after `position`. */
export function insertAfter(position: ListNode, node: ListNode): void {
  insertBefore(position.next, node);
}

export function unlink(node: ListNode): void {
  node.prev.next = node.next;
  node.next.prev = node.prev;
  node.prev = node;
  node.next = node;
}

/** Move the run `first..last` (inclusive, in order) to just before `position`. */
export function moveRange(position: ListNode, first: ListNode, last: ListNode): void {
  const before = first.prev;
  const after = last.next;
  before.next = after;
  after.prev = before;
  first.prev = position.prev;
  last.next = position;
  position.prev.next = first;
  position.prev = last;
}
