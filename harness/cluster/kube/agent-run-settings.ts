/**
 * The l2lab target's agent DaemonSet for one run: the scenario's profile and Lease timings, the
 * run's epoch (`L2LAB_EPOCH_MONO_NS`: the node containers share the host's monotonic clock, so
 * the agents' histories line up with the orchestrator's), the echo role next to datapath and
 * agent (the probes need a backend on the node, as in the lab) and its ports. Setting them rolls
 * the DaemonSet (new pods); the runner puts the original back at the end. Pure.
 */
import type { KubeObject } from '../../core/object-store.ts';

/** What a run sets on the agents. */
export interface AgentRunSettings {
  readonly epochMonoNs: string;
  readonly profile: string;
  readonly leaseDurationMs: number;
  readonly renewDeadlineMs: number;
  readonly retryPeriodMs: number;
  readonly echoPorts: readonly number[];
  readonly seed: number;
  /**
   * The run's own state directory under the DaemonSet's hostPath (`/var/run/l2lab/<run>`): a
   * fresh pinned map, and history files that hold this run's ops only (the agent appends).
   */
  readonly stateDir: string;
}

/** The roles the run's agent pods run (`cluster-proc <roles>`). */
export const RUN_AGENT_ROLES = 'datapath,agent,echo';

/** The environment a run sets (on top of the DaemonSet's own). */
export function agentRunEnv(settings: AgentRunSettings): Record<string, string> {
  return {
    L2LAB_EPOCH_MONO_NS: settings.epochMonoNs,
    L2LAB_PROFILE: settings.profile,
    L2LAB_LEASE_DURATION: `${settings.leaseDurationMs}ms`,
    L2LAB_LEASE_RENEW_DEADLINE: `${settings.renewDeadlineMs}ms`,
    L2LAB_LEASE_RETRY_PERIOD: `${settings.retryPeriodMs}ms`,
    L2LAB_ECHO_PORTS: settings.echoPorts.join(','),
    L2LAB_SEED: String(settings.seed),
    L2LAB_STATE_DIR: settings.stateDir,
  };
}

interface Container {
  readonly name?: string;
  readonly args?: readonly string[];
  readonly env?: readonly { readonly name: string; readonly value?: string; readonly valueFrom?: unknown }[];
  readonly [key: string]: unknown;
}

/**
 * `daemonSet` with its first container set for the run (env entries replaced or added, args
 * `cluster-proc datapath,agent,echo`). resourceVersion kept: the write is a compare-and-swap.
 * @throws Error naming the DaemonSet when it has no container.
 */
export function daemonSetForRun(daemonSet: KubeObject, settings: AgentRunSettings): KubeObject {
  const spec = (daemonSet.spec ?? {}) as { template?: { spec?: { containers?: readonly Container[] } } & Record<string, unknown> } & Record<string, unknown>;
  const containers = spec.template?.spec?.containers ?? [];
  const [first, ...rest] = containers;
  if (first === undefined) throw new Error(`setting the run on DaemonSet ${daemonSet.metadata.namespace}/${daemonSet.metadata.name}: it has no container`);
  const env = agentRunEnv(settings);
  const kept = (first.env ?? []).filter((e) => !(e.name in env));
  const container: Container = { ...first, args: ['cluster-proc', RUN_AGENT_ROLES], env: [...kept, ...Object.entries(env).map(([name, value]) => ({ name, value }))] };
  const template = spec.template ?? {};
  return { ...daemonSet, spec: { ...spec, template: { ...template, spec: { ...(template.spec ?? {}), containers: [container, ...rest] } } } };
}
