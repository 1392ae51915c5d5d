/**
 * The simulator's event queue: a binary min-heap ordered by (atMs, seq). `seq` is the insertion
 * sequence number, so events due at the same virtual instant run in the order they were scheduled —
 * never in an order that depends on object identity or Map iteration (style anchors §3, §9 rule 3).
 * Cancelled events stay in the heap and are skipped when popped (lazy deletion keeps cancel O(1)).
 */

/** One scheduled event. `cancelled` is set by its handle; the kernel skips cancelled events. */
export interface QueuedEvent {
  readonly atMs: number;
  readonly seq: number;
  readonly action: () => void;
  /** Optional name for error messages and traces. */
  readonly label: string | undefined;
  cancelled: boolean;
}

/** Binary min-heap of {@link QueuedEvent}s keyed by (atMs, seq). */
export class EventQueue {
  readonly #heap: QueuedEvent[] = [];

  /** Number of queued events, cancelled ones included. */
  get size(): number {
    return this.#heap.length;
  }

  push(event: QueuedEvent): void {
    const heap = this.#heap;
    heap.push(event);
    let i = heap.length - 1;
    // Sift up: at most log2(n) swaps.
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = heap[parent] as QueuedEvent;
      if (!before(event, p)) break;
      heap[i] = p;
      i = parent;
    }
    heap[i] = event;
  }

  /** The earliest event without removing it. */
  peek(): QueuedEvent | undefined {
    return this.#heap[0];
  }

  /** Removes and returns the earliest event. */
  pop(): QueuedEvent | undefined {
    const heap = this.#heap;
    const top = heap[0];
    const last = heap.pop();
    if (top === undefined || last === undefined || heap.length === 0) return top;
    let i = 0;
    const n = heap.length;
    // Sift down: at most log2(n) swaps.
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      let child = left;
      if (right < n && before(heap[right] as QueuedEvent, heap[left] as QueuedEvent)) child = right;
      const c = heap[child] as QueuedEvent;
      if (!before(c, last)) break;
      heap[i] = c;
      i = child;
    }
    heap[i] = last;
    return top;
  }
}

function before(a: QueuedEvent, b: QueuedEvent): boolean {
  return a.atMs < b.atMs || (a.atMs === b.atMs && a.seq < b.seq);
}
