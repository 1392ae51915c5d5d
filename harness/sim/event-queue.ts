/**
 * The simulator's event queue: a binary min-heap ordered by (atMs, seq). `seq` is the insertion
 * sequence number, so events due at the same virtual instant run in the order they were scheduled —
 * never in an order that depends on object identity or Map iteration (style anchors §3, §9 rule 3).
 * Cancelled events stay in the heap and are skipped when popped (lazy deletion keeps cancel O(1));
 * once they are most of the heap it is rebuilt without them. Every request schedules a timeout
 * that is almost always cancelled seconds before it is due, so without the rebuild a busy world's
 * heap is mostly dead timeouts (300,000 at 30,000 requests/s and a 10 s timeout) and every push and
 * pop pays for the extra depth and cache misses. (atMs, seq) is a total order, so the rebuild
 * cannot change what pops next.
 */

/** One scheduled event. `cancelled` is set by its handle; the kernel skips cancelled events. */
export interface QueuedEvent {
  readonly atMs: number;
  readonly seq: number;
  cancelled: boolean;
}

/** Binary min-heap of {@link QueuedEvent}s keyed by (atMs, seq). */
export class EventQueue<E extends QueuedEvent = QueuedEvent> {
  #heap: E[] = [];
  /** Cancelled events still in the heap (as reported through {@link noteCancelled}). */
  #cancelled = 0;

  /** Number of queued events, cancelled ones included. */
  get size(): number {
    return this.#heap.length;
  }

  push(event: E): void {
    const heap = this.#heap;
    heap.push(event);
    let i = heap.length - 1;
    // Sift up: at most log2(n) swaps.
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = heap[parent] as E;
      if (!before(event, p)) break;
      heap[i] = p;
      i = parent;
    }
    heap[i] = event;
  }

  /** An event in the heap was cancelled; rebuilds the heap once cancelled events are most of it. */
  noteCancelled(): void {
    this.#cancelled += 1;
    if (this.#cancelled >= COMPACT_MIN_CANCELLED && this.#cancelled * 2 > this.#heap.length) this.#compact();
  }

  /** A cancelled event was popped (and skipped). */
  notePoppedCancelled(): void {
    if (this.#cancelled > 0) this.#cancelled -= 1;
  }

  #compact(): void {
    const live = this.#heap.filter((event) => !event.cancelled);
    // Bottom-up heapify: O(n).
    for (let i = (live.length >> 1) - 1; i >= 0; i -= 1) siftDown(live, i, live[i] as E, live.length);
    this.#heap = live;
    this.#cancelled = 0;
  }

  /** The earliest event without removing it. */
  peek(): E | undefined {
    return this.#heap[0];
  }

  /** Removes and returns the earliest event. */
  pop(): E | undefined {
    const heap = this.#heap;
    const top = heap[0];
    const last = heap.pop();
    if (top === undefined || last === undefined || heap.length === 0) return top;
    siftDown(heap, 0, last, heap.length);
    return top;
  }
}

/** Below this many cancelled events the heap is never rebuilt (small worlds pay nothing). */
const COMPACT_MIN_CANCELLED = 4_096;

/** Places `event` at or below slot `start` of a heap of `n` events: at most log2(n) swaps. */
function siftDown<E extends QueuedEvent>(heap: E[], start: number, event: E, n: number): void {
  let i = start;
  for (;;) {
    const left = 2 * i + 1;
    if (left >= n) break;
    const right = left + 1;
    let child = left;
    if (right < n && before(heap[right] as E, heap[left] as E)) child = right;
    const c = heap[child] as E;
    if (!before(c, event)) break;
    heap[i] = c;
    i = child;
  }
  heap[i] = event;
}

function before(a: QueuedEvent, b: QueuedEvent): boolean {
  return a.atMs < b.atMs || (a.atMs === b.atMs && a.seq < b.seq);
}
