/**
 * The lab role configs of a responder container (`l2lab cluster-proc node|operator`), planned from
 * its environment and the node's interfaces. Pure: the runner (`cluster-proc.ts`) reads the
 * environment, the ServiceAccount files and `/sys/class/net`, and starts the lab's own role
 * processes (`lab-proc agent|datapath|operator`) with these configs — the same code as the lab,
 * with in-cluster API access (the ServiceAccount token and CA, or explicit files).
 *
 * Environment (all optional except NODE_NAME for `node`):
 * - `NODE_NAME` (downward API `spec.nodeName`), `L2LAB_PROFILE` (default cilium-1.16),
 * - `L2LAB_DEVICES`: Cilium `devices` syntax, names separated by spaces or commas, a trailing `+`
 *   a prefix wildcard (default `eth0`),
 * - `L2LAB_LEASE_DURATION`, `L2LAB_LEASE_RENEW_DEADLINE`, `L2LAB_LEASE_RETRY_PERIOD` (Go
 *   durations; Cilium's 15s/5s/2s), `L2LAB_LEASE_NAMESPACE` (kube-system),
 * - `L2LAB_API_SERVER` (default `https://$KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT`),
 * - `L2LAB_STATE_DIR` (pinned map, histories, configs; default /var/run/l2lab),
 * - `L2LAB_EPOCH_MONO_NS` (a run's shared epoch, so histories line up with the orchestrator's),
 * - `L2LAB_SEED`, `L2LAB_QPS` + `L2LAB_BURST` (client rate limit),
 * - echo (docker provider nodes): `L2LAB_ECHO_PORTS` (`7,8080`);
 * - prober (docker provider clients): `L2LAB_CLIENT`, `L2LAB_PROBE_SERVICES` (`ns/name:port,…`),
 *   `L2LAB_PROBE_RATE` (per second), `L2LAB_PROBE_TIMEOUT_MS`, `L2LAB_VIPS_FILE`.
 */
import parseDuration from 'parse-duration';
import type { AgentRoleConfig, DatapathRoleConfig, EchoRoleConfig, OperatorRoleConfig, ProberRoleConfig } from '../../lab/proc/role-config.ts';

/** Default state directory (a hostPath in the DaemonSet: the pinned map outlives the container). */
export const DEFAULT_STATE_DIR = '/var/run/l2lab';
/** Where Kubernetes mounts a pod's ServiceAccount. */
export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/** What the planner reads from outside. */
export interface InClusterFacts {
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The node's interfaces (name → MAC), loopback excluded. */
  readonly interfaces: ReadonlyMap<string, string>;
  /** The ServiceAccount (or given) token, already read; undefined when no role needs the API. */
  readonly token: string | undefined;
  /** Path of the CA bundle the roles read. */
  readonly caPath: string;
  /** The epoch to use when the environment gives none (`labEpochNow().epochMonoNs`). */
  readonly nowEpochMonoNs: string;
}

/** Why a container cannot start its roles (a message for the pod log, exit 2). */
export class InClusterConfigError extends Error {
  override readonly name = 'InClusterConfigError';
}

/** The two configs of a node container. */
export interface NodeRolePlan {
  readonly datapath: DatapathRoleConfig;
  readonly agent: AgentRoleConfig;
}

/** Plans the datapath config alone (it needs no API access). @throws InClusterConfigError. */
export function planDatapathRole(facts: InClusterFacts): DatapathRoleConfig {
  return planNodeRoles({ ...facts, token: facts.token ?? 'unused' }).datapath;
}

/** Plans the agent and datapath configs of a node. @throws InClusterConfigError. */
export function planNodeRoles(facts: InClusterFacts): NodeRolePlan {
  const { env } = facts;
  const node = env.NODE_NAME?.trim() ?? '';
  if (node === '') throw new InClusterConfigError('NODE_NAME is not set (the DaemonSet sets it from spec.nodeName)');
  const stateDir = stateDirOf(env);
  const devices = selectDevices(env.L2LAB_DEVICES ?? 'eth0', facts.interfaces);
  if (devices.length === 0) {
    throw new InClusterConfigError(`L2LAB_DEVICES '${env.L2LAB_DEVICES ?? 'eth0'}' matches none of the node's interfaces (${[...facts.interfaces.keys()].join(', ') || 'none'})`);
  }
  const interfaces = devices.map((name) => ({ name, mac: facts.interfaces.get(name) ?? '' }));
  const epochMonoNs = epochOf(env, facts.nowEpochMonoNs);
  const timing = {
    leaseDurationMs: durationMs(env, 'L2LAB_LEASE_DURATION', 15_000),
    renewDeadlineMs: durationMs(env, 'L2LAB_LEASE_RENEW_DEADLINE', 5_000),
    retryPeriodMs: durationMs(env, 'L2LAB_LEASE_RETRY_PERIOD', 2_000),
  };
  const mapPath = `${stateDir}/responder-map.json`;
  const rateLimit = rateLimitOf(env);
  return {
    datapath: { epochMonoNs, historyPath: `${stateDir}/${node}-datapath.history.jsonl`, node, interfaces, mapPath, leaseDurationMs: timing.leaseDurationMs },
    agent: {
      epochMonoNs,
      historyPath: `${stateDir}/${node}-agent.history.jsonl`,
      node,
      profile: env.L2LAB_PROFILE ?? 'cilium-1.16',
      timing,
      leaseNamespace: env.L2LAB_LEASE_NAMESPACE ?? 'kube-system',
      devices,
      interfaceMacs: Object.fromEntries(interfaces.map((i) => [i.name, i.mac])),
      ...(rateLimit === undefined ? {} : { rateLimit }),
      api: apiOf(facts),
      mapPath,
      seed: seedOf(env, node),
    },
  };
}

/** Plans the operator config. @throws InClusterConfigError. */
export function planOperatorRole(facts: InClusterFacts): OperatorRoleConfig {
  const { env } = facts;
  const rateLimit = rateLimitOf(env);
  return {
    epochMonoNs: epochOf(env, facts.nowEpochMonoNs),
    historyPath: `${stateDirOf(env)}/operator.history.jsonl`,
    profile: env.L2LAB_PROFILE ?? 'cilium-1.16',
    seed: seedOf(env, 'operator'),
    api: apiOf(facts),
    ...(rateLimit === undefined ? {} : { rateLimit }),
  };
}

/** The UDP echo backend of a node (VIP traffic; the docker provider's nodes). @throws InClusterConfigError. */
export function planEchoRole(facts: InClusterFacts): EchoRoleConfig {
  const { env } = facts;
  const node = env.NODE_NAME?.trim() ?? '';
  if (node === '') throw new InClusterConfigError('NODE_NAME is not set');
  const ports = (env.L2LAB_ECHO_PORTS ?? '7').split(/[\s,]+/).filter((p) => p !== '').map(Number);
  if (ports.length === 0 || ports.some((p) => !Number.isInteger(p) || p < 1 || p > 65_535)) throw new InClusterConfigError(`L2LAB_ECHO_PORTS '${env.L2LAB_ECHO_PORTS}': expected UDP ports such as 7,8080`);
  return { epochMonoNs: epochOf(env, facts.nowEpochMonoNs), historyPath: `${stateDirOf(env)}/${node}-echo.history.jsonl`, node, ports };
}

/** A client's prober (the docker provider's client containers). @throws InClusterConfigError. */
export function planProberRole(facts: InClusterFacts): ProberRoleConfig {
  const { env } = facts;
  const client = env.L2LAB_CLIENT?.trim() ?? '';
  if (client === '') throw new InClusterConfigError('L2LAB_CLIENT is not set');
  const services = (env.L2LAB_PROBE_SERVICES ?? '').split(',').filter((s) => s !== '').map((entry) => {
    const match = /^([^/:]+\/[^/:]+):(\d{1,5})$/.exec(entry.trim());
    if (match === null) throw new InClusterConfigError(`L2LAB_PROBE_SERVICES entry '${entry}': expected namespace/name:port`);
    return { service: match[1] ?? '', port: Number(match[2]) };
  });
  const ratePerSecond = Number(env.L2LAB_PROBE_RATE ?? '10');
  const timeoutMs = Number(env.L2LAB_PROBE_TIMEOUT_MS ?? '1000');
  if (!(ratePerSecond > 0) || !(timeoutMs > 0)) throw new InClusterConfigError('L2LAB_PROBE_RATE and L2LAB_PROBE_TIMEOUT_MS must be positive numbers');
  const vipsPath = env.L2LAB_VIPS_FILE ?? '';
  if (vipsPath === '') throw new InClusterConfigError('L2LAB_VIPS_FILE is not set (the orchestrator keeps the VIPs there)');
  return { epochMonoNs: epochOf(env, facts.nowEpochMonoNs), historyPath: `${stateDirOf(env)}/${client}-prober.history.jsonl`, client, services, ratePerSecond, timeoutMs, vipsPath };
}

/** Roles a container can run, and the group names the images' entrypoint accepts. */
export const CONTAINER_ROLES = ['datapath', 'agent', 'echo', 'operator', 'prober'] as const;
/** One of {@link CONTAINER_ROLES}. */
export type ContainerRole = (typeof CONTAINER_ROLES)[number];

/**
 * The roles of a `cluster-proc` argument: `node` (datapath + agent, the DaemonSet), or a comma
 * list of roles (`datapath,echo`), started in the given order. @throws InClusterConfigError.
 */
export function parseRoleList(text: string): ContainerRole[] {
  if (text === 'node') return ['datapath', 'agent'];
  const roles = text.split(',').filter((r) => r !== '');
  const bad = roles.filter((r) => !(CONTAINER_ROLES as readonly string[]).includes(r));
  if (roles.length === 0 || bad.length > 0) throw new InClusterConfigError(`unknown role list '${text}': expected node, or a comma list of ${CONTAINER_ROLES.join(', ')}`);
  return [...new Set(roles)] as ContainerRole[];
}

/** True when a role talks to the API server (its container needs a token). */
export function needsApi(role: ContainerRole): boolean {
  return role === 'agent' || role === 'operator';
}

/** The config of one role. @throws InClusterConfigError. */
export function planRole(role: ContainerRole, facts: InClusterFacts): unknown {
  switch (role) {
    case 'datapath':
      return planDatapathRole(facts);
    case 'agent':
      return planNodeRoles(facts).agent;
    case 'echo':
      return planEchoRole(facts);
    case 'operator':
      return planOperatorRole(facts);
    case 'prober':
      return planProberRole(facts);
  }
}

/**
 * The node's interfaces that Cilium-style `devices` select, in the node's order: exact names, or
 * a prefix when the entry ends in `+` (`eth+`). Pure.
 */
export function selectDevices(devices: string, interfaces: ReadonlyMap<string, string>): string[] {
  const patterns = devices.split(/[\s,]+/).filter((d) => d !== '');
  return [...interfaces.keys()].filter((name) => patterns.some((p) => (p.endsWith('+') ? name.startsWith(p.slice(0, -1)) : name === p)));
}

/** The API server URL the roles use. @throws InClusterConfigError when neither variable is set. */
export function apiServerUrl(env: Readonly<Record<string, string | undefined>>): string {
  const explicit = env.L2LAB_API_SERVER?.trim();
  if (explicit !== undefined && explicit !== '') return explicit;
  const host = env.KUBERNETES_SERVICE_HOST;
  if (host === undefined || host === '') throw new InClusterConfigError('neither L2LAB_API_SERVER nor KUBERNETES_SERVICE_HOST is set: not in a pod, and no API server given');
  const hostPart = host.includes(':') ? `[${host}]` : host;
  return `https://${hostPart}:${env.KUBERNETES_SERVICE_PORT ?? '443'}`;
}

function apiOf(facts: InClusterFacts): { serverUrl: string; caPath: string; token: string } {
  if (facts.token === undefined || facts.token.trim() === '') throw new InClusterConfigError('the API token is empty (ServiceAccount token not mounted?)');
  return { serverUrl: apiServerUrl(facts.env), caPath: facts.caPath, token: facts.token.trim() };
}

function stateDirOf(env: Readonly<Record<string, string | undefined>>): string {
  return (env.L2LAB_STATE_DIR ?? DEFAULT_STATE_DIR).replace(/\/+$/, '');
}

function epochOf(env: Readonly<Record<string, string | undefined>>, now: string): string {
  const given = env.L2LAB_EPOCH_MONO_NS;
  if (given === undefined || given === '') return now;
  if (!/^\d{1,20}$/.test(given)) throw new InClusterConfigError(`L2LAB_EPOCH_MONO_NS '${given}': expected CLOCK_MONOTONIC ns as decimal text`);
  return given;
}

function durationMs(env: Readonly<Record<string, string | undefined>>, key: string, fallbackMs: number): number {
  const text = env[key];
  if (text === undefined || text === '') return fallbackMs;
  const ms = /^\d+(\.\d+)?(ns|us|µs|ms|s|m|h)$/.test(text) ? parseDuration(text) : undefined;
  if (ms === undefined || ms === null || !(ms > 0)) throw new InClusterConfigError(`${key} '${text}': expected a Go duration such as 15s or 200ms`);
  return ms;
}

function rateLimitOf(env: Readonly<Record<string, string | undefined>>): { qps: number; burst: number } | undefined {
  if (env.L2LAB_QPS === undefined && env.L2LAB_BURST === undefined) return undefined;
  const qps = Number(env.L2LAB_QPS ?? '10');
  const burst = Number(env.L2LAB_BURST ?? '20');
  if (!(qps > 0) || !Number.isInteger(burst) || burst < 1) throw new InClusterConfigError(`L2LAB_QPS '${env.L2LAB_QPS}' / L2LAB_BURST '${env.L2LAB_BURST}': expected a positive rate and a positive integer burst`);
  return { qps, burst };
}

/** A stable seed from the node name unless L2LAB_SEED is set (FNV-1a, 31 bits). */
function seedOf(env: Readonly<Record<string, string | undefined>>, name: string): number {
  if (env.L2LAB_SEED !== undefined && env.L2LAB_SEED !== '') {
    const seed = Number(env.L2LAB_SEED);
    if (!Number.isInteger(seed)) throw new InClusterConfigError(`L2LAB_SEED '${env.L2LAB_SEED}': expected an integer`);
    return seed;
  }
  let hash = 0x811c9dc5;
  for (const ch of name) hash = Math.imul(hash ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  return hash & 0x7fffffff;
}
