/**
 * How a component starts concurrent tasks (one goroutine each in Cilium: informers, the liveness
 * updater, one elector per service) without knowing which world runs them. `SimTaskRunner`
 * satisfies {@link TaskSpawner} as is; the world may wrap it (freezing a node's tasks).
 */
import type { Task } from '../core/task.ts';

/** A started task; `kill()` crashes it (no `finally`), as a killed process. */
export interface SpawnedTask {
  readonly state: 'running' | 'done' | 'killed';
  kill(): void;
}

/** Starts tasks. */
export interface TaskSpawner {
  spawn<T>(name: string, task: Task<T>): SpawnedTask;
}
