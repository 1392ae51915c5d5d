/**
 * The config files of the lab's role processes (`l2lab lab-proc <role> --config <file.json>`),
 * written by the orchestrator, validated here with zod. A bad file is a harness bug or a hand-made
 * mistake: {@link readRoleConfig} names the file and every problem (the CLI exits 2).
 *
 * Every role carries `epochMonoNs` (the run's shared monotonic epoch, `lab-clock.ts`) and
 * `historyPath` (its own jsonl file, merged by the orchestrator).
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';

const mac = z.string().regex(/^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$/, 'expected a MAC like 02:00:00:00:00:0a');
const ipv4 = z.string().regex(/^(\d{1,3}\.){3}\d{1,3}$/, 'expected an IPv4 address');
const positiveMs = z.number().positive().finite();
const ifname = z.string().min(1).max(15);
const port = z.number().int().min(1).max(65_535);

/** Fields of every role. */
const common = {
  /** CLOCK_MONOTONIC ns of the run epoch, decimal text. */
  epochMonoNs: z.string().regex(/^\d{1,20}$/, 'expected the epoch in ns as decimal text'),
  historyPath: z.string().min(1),
};

/** The API the scenario's policies and pools are written in (`policyApiOf`); default `cilium`. */
const policyApi = z.enum(['cilium', 'metallb']).optional();

/** Where the API server is and the role's own token (its identity). */
const apiSchema = z.strictObject({
  serverUrl: z.url(),
  /** PEM CA bundle of the server certificate. */
  caPath: z.string().min(1),
  token: z.string().min(1),
});

const rateLimitSchema = z.strictObject({ qps: z.number().positive(), burst: z.number().int().min(1) });

/** `agent`: one node's L2 announcer (informers, electors, reconciler → pinned map, GARPs). */
export const agentConfigSchema = z.strictObject({
  ...common,
  node: z.string().min(1),
  /** Behaviour profile name (`harness/profiles`). */
  profile: z.string().min(1),
  timing: z.strictObject({ leaseDurationMs: positiveMs, renewDeadlineMs: positiveMs, retryPeriodMs: positiveMs }),
  leaseNamespace: z.string().min(1),
  /** The node's Cilium devices (policies' interface regexes select among them). */
  devices: z.array(ifname),
  /** MAC of each data interface (GARP sender; sessions are opened on these). */
  interfaceMacs: z.record(ifname, mac),
  rateLimit: rateLimitSchema.optional(),
  requestTimeoutMs: positiveMs.optional(),
  api: apiSchema,
  mapPath: z.string().min(1),
  seed: z.number().int(),
  policyApi,
  /**
   * A MetalLB profile's memberlist over UDP (`harness/lab/gossip/udp-gossip.ts`): this speaker's
   * bind address (the node's data IP) and every speaker's. Required when the profile is MetalLB's.
   */
  gossip: z
    .strictObject({
      runId: z.string().min(1),
      self: z.strictObject({ node: z.string().min(1), ip: ipv4, port }),
      peers: z.array(z.strictObject({ node: z.string().min(1), ip: ipv4, port })),
    })
    .optional(),
});

/** `datapath`: the node's ARP responder over libpcap, reading the pinned map. */
export const datapathConfigSchema = z.strictObject({
  ...common,
  node: z.string().min(1),
  interfaces: z.array(z.strictObject({ name: ifname, mac })).min(1),
  mapPath: z.string().min(1),
  /** `l2_announcements_max_liveness`: the agent's effective lease duration. */
  leaseDurationMs: positiveMs,
  /** Record each reply as `arp-reply` (the node's own account). Default false. */
  recordReplies: z.boolean().optional(),
  /** The kernel answers for the programmed addresses (kube-vip: every interface, no liveness cutoff). Default false. */
  kernelAnswers: z.boolean().optional(),
  /** SCHED_FIFO priority of the process (1–99), 0 = leave it to the normal scheduler. Default 50 (see `datapath-role.ts`). */
  schedFifoPriority: z.number().int().min(0).max(99).optional(),
});

/** `operator`: LB-IPAM. */
export const operatorConfigSchema = z.strictObject({
  ...common,
  profile: z.string().min(1),
  seed: z.number().int(),
  policyApi,
  api: apiSchema,
  rateLimit: rateLimitSchema.optional(),
  requestTimeoutMs: positiveMs.optional(),
});

/** `echo`: the node's UDP echo backend for VIP traffic. */
export const echoConfigSchema = z.strictObject({
  ...common,
  node: z.string().min(1),
  ports: z.array(port).min(1),
});

/** `prober`: one client's sequence-numbered UDP probes to its services' VIPs. */
export const proberConfigSchema = z.strictObject({
  ...common,
  client: z.string().min(1),
  services: z.array(z.strictObject({ service: z.string().regex(/^[^/]+\/[^/]+$/, 'expected namespace/name'), port })),
  ratePerSecond: z.number().positive().max(1000),
  timeoutMs: positiveMs,
  /** JSON `{ "ns/name": ["ip", …] }`, kept current by the orchestrator. */
  vipsPath: z.string().min(1),
});

/** The schemas by role name. */
export const ROLE_SCHEMAS = {
  agent: agentConfigSchema,
  datapath: datapathConfigSchema,
  operator: operatorConfigSchema,
  echo: echoConfigSchema,
  prober: proberConfigSchema,
} as const;

/** A role name. */
export type Role = keyof typeof ROLE_SCHEMAS;
/** The validated config of a role. */
export type RoleConfig<R extends Role> = z.infer<(typeof ROLE_SCHEMAS)[R]>;

/** Validated `agent` config. */
export type AgentRoleConfig = RoleConfig<'agent'>;
/** Validated `datapath` config. */
export type DatapathRoleConfig = RoleConfig<'datapath'>;
/** Validated `operator` config. */
export type OperatorRoleConfig = RoleConfig<'operator'>;
/** Validated `echo` config. */
export type EchoRoleConfig = RoleConfig<'echo'>;
/** Validated `prober` config. */
export type ProberRoleConfig = RoleConfig<'prober'>;

/** A config file that cannot be used; `details` has one line per problem. */
export class RoleConfigError extends Error {
  readonly details: readonly string[];

  constructor(message: string, details: readonly string[] = []) {
    super(message);
    this.name = 'RoleConfigError';
    this.details = details;
  }
}

/** True for a known role name. */
export function isRole(name: string): name is Role {
  return Object.hasOwn(ROLE_SCHEMAS, name);
}

/** Validates `raw` as the config of `role`. @throws RoleConfigError listing `path: message` per problem. */
export function parseRoleConfig<R extends Role>(role: R, raw: unknown, file: string): RoleConfig<R> {
  const parsed = ROLE_SCHEMAS[role].safeParse(raw);
  if (parsed.success) return parsed.data as RoleConfig<R>;
  const details = parsed.error.issues.map((issue) => `${issue.path.length === 0 ? '(root)' : issue.path.join('.')}: ${issue.message}`);
  throw new RoleConfigError(`lab-proc ${role}: ${file} is not a valid ${role} config (${details.length} problem${details.length === 1 ? '' : 's'})`, details);
}

/** Reads and validates a config file. @throws RoleConfigError (unreadable, not JSON, invalid). */
export function readRoleConfig<R extends Role>(role: R, file: string): RoleConfig<R> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new RoleConfigError(`lab-proc ${role}: cannot read the config ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new RoleConfigError(`lab-proc ${role}: the config ${file} is not JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  return parseRoleConfig(role, raw, file);
}
