/**
 * The lab world's {@link TaskSpawner}: each task runs on {@link runTask} (real clock, real API
 * server). `kill()` is a crash, as `SimTaskRunner`'s: the generator is never stepped again and its
 * `finally` blocks do not run (a killed agent releases nothing). The effect in flight completes
 * on its own and its result is dropped. A task that throws is a bug: it is reported through
 * `onError` (the process logs it and exits), never swallowed.
 */
import type { SpawnedTask, TaskSpawner } from '../agent/spawner.ts';
import { runTask } from '../core/run-task.ts';
import type { EffectResult, Task, TaskPorts } from '../core/task.ts';

/** A task that threw, with the name it was spawned under. */
export class TaskFailedError extends Error {
  readonly taskName: string;

  constructor(taskName: string, cause: unknown) {
    super(`task ${taskName} threw: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'TaskFailedError';
    this.taskName = taskName;
  }
}

/** Options of {@link RealSpawner}. */
export interface RealSpawnerOptions {
  readonly ports: TaskPorts;
  /** Called once per task that throws. */
  readonly onError: (error: TaskFailedError) => void;
}

/** Runs tasks on real time; see the module note for `kill()`. */
export class RealSpawner implements TaskSpawner {
  readonly #options: RealSpawnerOptions;
  readonly #running = new Set<RealTask>();

  constructor(options: RealSpawnerOptions) {
    this.#options = options;
  }

  /** Tasks not yet done or killed. */
  get running(): number {
    return this.#running.size;
  }

  spawn<T>(name: string, task: Task<T>): SpawnedTask {
    const handle = new RealTask(name);
    this.#running.add(handle);
    // The first step runs in a microtask, as the sim runner starts a task in a later kernel event:
    // spawning never runs task code re-entrantly inside its caller. The wrapper stops stepping
    // `task` the moment the handle is killed: runTask then finishes the wrapper (whose `return`
    // does not reach into `task`, so `task`'s finally blocks never run).
    Promise.resolve().then(() => runTask(killable(task, handle), this.#options.ports)).then(
      () => {
        if (handle.state === 'running') handle.state = 'done';
        this.#running.delete(handle);
      },
      (error: unknown) => {
        this.#running.delete(handle);
        if (handle.state !== 'running') return;
        handle.state = 'done';
        this.#options.onError(new TaskFailedError(name, error));
      },
    );
    return handle;
  }

  /** Kills every running task (process crash semantics). */
  killAll(): void {
    for (const handle of [...this.#running]) handle.kill();
  }
}

class RealTask implements SpawnedTask {
  readonly name: string;
  state: 'running' | 'done' | 'killed' = 'running';

  constructor(name: string) {
    this.name = name;
  }

  kill(): void {
    if (this.state === 'running') this.state = 'killed';
  }
}

/** Delegates to `task` step by step while `handle` runs; ends without touching `task` once killed. */
function* killable<T>(task: Task<T>, handle: RealTask): Task<T | undefined> {
  if (handle.state !== 'running') return undefined;
  let step = task.next();
  // Bounded by the task: one turn per effect it yields.
  while (!step.done) {
    const result: EffectResult = yield step.value;
    if (handle.state !== 'running') return undefined;
    step = task.next(result);
  }
  return step.value;
}
