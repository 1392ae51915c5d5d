/**
 * `lab-proc operator`: the LB-IPAM operator (`harness/operator/operator.ts`) as the sim world
 * starts it, on lab adapters, with the operator identity's token. It holds nothing to release:
 * SIGTERM stops its tasks (`crash()`, which for an operator is the same as a clean stop).
 */
import { SeededRng } from '../../core/rng.ts';
import { ApiClient } from '../../election/api-client.ts';
import { Operator, OPERATOR_IDENTITY } from '../../operator/operator.ts';
import { getProfile } from '../../profiles/profiles.ts';
import { RealSpawner } from '../real-spawner.ts';
import { roleStores } from './api-stores.ts';
import type { OperatorRoleConfig } from './role-config.ts';
import type { RoleRuntime, RunningRole } from './role-runtime.ts';

/** Starts the operator. @throws on a bad profile or CA file (before `ready`). */
export function startOperatorRole(config: OperatorRoleConfig, runtime: RoleRuntime): RunningRole {
  const { clock, history, log } = runtime;
  const profile = getProfile(config.profile);
  const stores = roleStores(config.api, clock, log, config.policyApi);
  const spawner = new RealSpawner({ ports: { clock, store: stores.model }, onError: (error) => runtime.fail(`operator task ${error.taskName} failed`, error) });
  const client = new ApiClient({ identity: OPERATOR_IDENTITY, clock, history, ...(config.rateLimit === undefined ? {} : { rateLimit: config.rateLimit }), ...(config.requestTimeoutMs === undefined ? {} : { requestTimeoutMs: config.requestTimeoutMs }) });
  const operator = new Operator({ profile }, { clock, rng: new SeededRng(config.seed), history, client, watch: stores.model, spawner });
  operator.start();
  return {
    stop: async () => {
      operator.crash();
      stores.real.close();
    },
  };
}
