import type { Clock } from '../core/clock.ts';
import type { History } from '../core/history.ts';
import type { Rng } from '../core/rng.ts';
import type { ApiClient } from '../election/api-client.ts';
import type { WatchPort } from './informer.ts';
import type { TaskSpawner } from './spawner.ts';

/** The ports every controller process (agent, LB-IPAM operator) is given. */
export interface ControllerPorts {
  readonly clock: Clock;
  readonly rng: Rng;
  readonly history: History;
  /** The process's one rate-limited API client. */
  readonly client: ApiClient;
  readonly watch: WatchPort;
  readonly spawner: TaskSpawner;
}
