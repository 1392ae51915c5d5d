/**
 * Freezing a process (SIGSTOP) in the simulation: every task of a frozen node is spawned with the
 * node's gate, and the task runner *holds* a completed effect — the generator is not resumed —
 * until the node is thawed (a wrapping generator did this before: one more frame on every effect). Timers still fire and responses still arrive while frozen (the kernel
 * keeps running), but the process sees them only after SIGCONT, late, as a stopped Go process
 * would. The datapath (kernel eBPF) is not a task and keeps running; only the agent stops, so its
 * liveness stamp ages.
 */
import type { Task } from '../core/task.ts';
import type { SpawnedTask, TaskSpawner } from '../agent/spawner.ts';
import type { HoldGate, SimTaskRunner } from './sim-task-runner.ts';

/** A freeze switch shared by all tasks of one process. */
export class FreezeGate implements HoldGate {
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

/** A spawner whose tasks all obey `gate`: the runner holds them while it is frozen. */
export function freezableSpawner(runner: SimTaskRunner, gate: FreezeGate): TaskSpawner {
  return { spawn: <T>(name: string, task: Task<T>): SpawnedTask => runner.spawn(name, task, gate) };
}
