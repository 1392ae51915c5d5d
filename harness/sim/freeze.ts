/**
 * Freezing a process (SIGSTOP) in the simulation, without touching the task runner: every task of
 * a frozen node is wrapped so that a completed effect is *held* — the generator is not resumed —
 * until the node is thawed. Timers still fire and responses still arrive while frozen (the kernel
 * keeps running), but the process sees them only after SIGCONT, late, as a stopped Go process
 * would. The datapath (kernel eBPF) is not a task and keeps running; only the agent stops, so its
 * liveness stamp ages.
 */
import { sleep, type Effect, type EffectResult, type Task } from '../core/task.ts';
import type { SpawnedTask, TaskSpawner } from '../agent/spawner.ts';

/** A freeze switch shared by all tasks of one process. */
export class FreezeGate {
  #thaw: AbortController | undefined = undefined;

  /** True while frozen. */
  get frozen(): boolean {
    return this.#thaw !== undefined;
  }

  /** SIGSTOP (idempotent). */
  freeze(): void {
    this.#thaw ??= new AbortController();
  }

  /** SIGCONT (idempotent): held tasks resume at the current instant, in the order they were held. */
  thaw(): void {
    const thaw = this.#thaw;
    this.#thaw = undefined;
    thaw?.abort();
  }

  /** The signal that aborts at the next thaw; undefined when not frozen. */
  get thawSignal(): AbortSignal | undefined {
    return this.#thaw?.signal;
  }
}

/** Longest single hold; a frozen task re-checks the gate after it (keeps every wait finite). */
const HOLD_MS = 3_600_000;

/** Wraps `inner` so that, while `gate` is frozen, it is not resumed. */
export function* freezable<T>(inner: Task<T>, gate: FreezeGate): Task<T> {
  let input: EffectResult | undefined = undefined;
  let started = false;
  // Bounded by the inner task: each turn forwards one of its effects.
  for (;;) {
    // Bounded by thaw: each hold ends at the thaw or after HOLD_MS.
    while (gate.frozen) yield* sleep(HOLD_MS, gate.thawSignal);
    const step: IteratorResult<Effect, T> = started ? inner.next(input as EffectResult) : inner.next();
    started = true;
    if (step.done === true) return step.value;
    input = yield step.value;
  }
}

/** A spawner whose tasks all obey `gate`. */
export function freezableSpawner(spawner: TaskSpawner, gate: FreezeGate): TaskSpawner {
  return { spawn: <T>(name: string, task: Task<T>): SpawnedTask => spawner.spawn(name, freezable(task, gate)) };
}
