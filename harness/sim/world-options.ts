import type { RateLimit } from '../election/api-client.ts';
import type { LeaseTiming } from '../l2/lease.ts';
import type { LatencyModel } from './latency.ts';

/** Options every sim world takes: seed, lease timing, the agents' API clients, history. */
export interface SimWorldOptions {
  readonly seed: number;
  readonly timing?: Partial<LeaseTiming>;
  /** Namespace of the Leases (Cilium's). Default `kube-system`. */
  readonly leaseNamespace?: string;
  /** Per-agent client limit (k8sClientRateLimit); undefined = unlimited. */
  readonly rateLimit?: RateLimit;
  readonly latency?: LatencyModel;
  readonly requestTimeoutMs?: number;
  /** Run each agent's lease GC loop. Default true. */
  readonly leaseGc?: boolean;
  /** Record a history. Default true (false for benchmarks of the bare machinery). */
  readonly recordHistory?: boolean;
}
