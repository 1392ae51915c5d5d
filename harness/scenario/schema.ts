/**
 * The YAML shape of a scenario file as zod schemas (`docs/scenarios.md` documents it field by
 * field). Objects are strict, so a misspelt key is an error naming the key, not a silently ignored
 * field. Durations are Go-style strings turned into whole milliseconds here; everything that
 * needs more than one field (names that must exist, times within the duration) is checked by
 * `validate-*.ts` on the parsed value.
 */
import { z } from 'zod';
import { LIVENESS_CHECKERS, SAFETY_CHECKERS } from '../checker/invariants.ts';
import { parseCidr, parseIp } from '../core/ip.ts';
import { PROFILES } from '../profiles/profiles.ts';
import { parseDurationMs } from './duration.ts';
import { EDITABLE_KINDS } from './nemesis-types.ts';
import { BOUND_NAMES, FAILOVER_COMPONENTS, TIMING_PRESETS, WORLDS } from './types.ts';

/** The `apiVersion` of this format. */
export const SCENARIO_API_VERSION = 'l2lab.io/v1alpha1';

/** Every invariant name a scenario may list (the checkers' names). */
export const INVARIANT_NAMES: readonly string[] = [...SAFETY_CHECKERS, ...LIVENESS_CHECKERS].map((c) => c.name);

/** Linux IFNAMSIZ − 1: the longest interface name the kernel accepts. */
export const MAX_IFNAME_LENGTH = 15;

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const SERVICE_REF = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?\/[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;
const MAC = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/;

/** A Go-style duration string (`3s`, `200ms`) → whole milliseconds. */
export const durationSchema = z.string({ error: 'expected a duration like 3s, 200ms or 1m30s' }).transform((text, ctx) => {
  const result = parseDurationMs(text);
  if (result.ok) return result.ms;
  ctx.issues.push({ code: 'custom', message: result.message, input: text });
  return z.NEVER;
});

const name = (what: string) => z.string({ error: `expected a ${what}` }).regex(DNS_LABEL, `expected a ${what}: lowercase letters, digits and '-' (RFC 1123 label)`).max(63, `expected a ${what} of at most 63 characters`);
export const serviceRefSchema = z.string({ error: 'expected a service as <namespace>/<name>' }).regex(SERVICE_REF, 'expected a service as <namespace>/<name>, like default/web');
const profileSchema = z.string({ error: 'expected a profile name' }).refine((p) => PROFILES.has(p), { error: (issue) => `unknown profile ${JSON.stringify(issue.input)}: expected one of ${[...PROFILES.keys()].join(', ')}` });
const invariantSchema = z.string({ error: 'expected an invariant name' }).refine((n) => INVARIANT_NAMES.includes(n), { error: (issue) => `unknown invariant ${JSON.stringify(issue.input)}: expected one of ${INVARIANT_NAMES.join(', ')}` });
const ipv4Schema = z.string({ error: 'expected an IPv4 address' }).refine((t) => parseIp(t)?.family === 'IPv4', { error: 'expected an IPv4 address, like 198.18.0.10' });
const ipv4CidrSchema = z.string({ error: 'expected an IPv4 CIDR' }).refine((t) => parseCidr(t)?.family === 'IPv4', { error: 'expected an IPv4 CIDR, like 198.18.0.0/24' });
const macSchema = z.string({ error: 'expected a MAC address' }).regex(MAC, 'expected a lowercase MAC address, like 02:00:00:00:01:00');
const labelsSchema = z.record(z.string(), z.string({ error: 'expected a string value (quote numbers and booleans)' }));
const ifnameSchema = z
  .string({ error: 'expected an interface name' })
  .min(1, 'expected an interface name')
  .max(MAX_IFNAME_LENGTH, `expected an interface name of at most ${MAX_IFNAME_LENGTH} characters (Linux IFNAMSIZ)`)
  .regex(/^[^\s/:]+$/, "expected an interface name without spaces, '/' or ':'");
const count = (min: number, max: number) => z.number({ error: 'expected a whole number' }).int('expected a whole number').min(min, `expected at least ${min}`).max(max, `expected at most ${max}`);

const bugSchema = z.strictObject({
  id: z.string({ error: 'expected a bug-catalog id like C02' }).regex(/^[A-Z][0-9]{2,}$/, 'expected a bug-catalog id like C02, M03 or K01'),
  title: z.string().optional(),
  // `l2lab`: a finding of l2lab itself (an `L…` id), reported nowhere upstream yet.
  repo: z.string().regex(/^(?:[\w.-]+\/[\w.-]+|l2lab)$/, "expected <owner>/<repository>, like cilium/cilium, or l2lab (l2lab's own finding)").optional(),
  issues: z.array(count(1, Number.MAX_SAFE_INTEGER)).optional(),
  pulls: z.array(count(1, Number.MAX_SAFE_INTEGER)).optional(),
  affected: z.array(profileSchema).min(1, 'expected at least one affected profile'),
  fixed: z.array(profileSchema).optional(),
  symptom: z.string().optional(),
});

const metadataSchema = z.strictObject({
  name: name('scenario name'),
  description: z.string().optional(),
  bug: bugSchema.optional(),
});

const timingsSchema = z.union(
  [
    z.enum(Object.keys(TIMING_PRESETS) as [keyof typeof TIMING_PRESETS]),
    z.strictObject({
      preset: z.enum(Object.keys(TIMING_PRESETS) as [keyof typeof TIMING_PRESETS]).optional(),
      leaseDuration: durationSchema.optional(),
      renewDeadline: durationSchema.optional(),
      retryPeriod: durationSchema.optional(),
    }),
  ],
  { error: 'expected a preset (fast, cilium-default) or a mapping with leaseDuration, renewDeadline, retryPeriod' },
);

/** A learning bridge's forwarding database (M06): entry ageing and what happens to unknown unicast. */
const fdbSchema = z.strictObject({ ageing: durationSchema, unknownUnicast: z.enum(['flood', 'drop'], { error: "expected 'flood' or 'drop'" }).optional() });
const interfaceSchema = z.strictObject({ name: ifnameSchema, segment: z.string({ error: 'expected a segment name' }), mac: macSchema.optional(), ip: ipv4Schema.optional() });

const arpSchema = z.strictObject({
  arpAccept: z.union([z.literal(0), z.literal(1), z.literal(2)], { error: 'expected 0, 1 or 2 (net.ipv4.conf.*.arp_accept)' }).optional(),
  baseReachableTime: durationSchema.optional(),
  delayFirstProbeTime: durationSchema.optional(),
  retransTime: durationSchema.optional(),
  ucastSolicit: count(0, 255).optional(),
  mcastSolicit: count(0, 255).optional(),
  mcastResolicit: count(0, 255).optional(),
  locktime: durationSchema.optional(),
  gcStaleTime: durationSchema.optional(),
  gcActive: z.boolean().optional(),
  dropGratuitousArp: z.boolean().optional(),
  unresQlen: count(0, 65_535).optional(),
});

const topologySchema = z.strictObject({
  addressPlan: ipv4CidrSchema.optional(),
  segments: z.array(z.strictObject({ name: ifnameSchema, subnet: ipv4CidrSchema.optional(), fdb: fdbSchema.optional() })).min(1, 'expected at least one segment'),
  nodes: z
    .array(z.strictObject({ name: name('node name'), labels: labelsSchema.optional(), interfaces: z.array(interfaceSchema).min(1, 'expected at least one interface') }))
    .min(1, 'expected at least one node'),
  clients: z
    .array(z.strictObject({ name: name('client name'), segment: z.string({ error: 'expected a segment name' }), node: z.string({ error: 'expected a node name' }).optional(), ip: ipv4Schema.optional(), mac: macSchema.optional(), arp: arpSchema.optional() }))
    .optional(),
});

const probeSchema = z.strictObject({
  clients: z.array(z.string()).optional(),
  services: z.array(serviceRefSchema).optional(),
  ratePerSecond: z.number({ error: 'expected probes per second' }).positive('expected a positive rate').max(10_000, 'expected at most 10000 probes per second').optional(),
  protocol: z.enum(['udp']).optional(),
  port: count(1, 65_535).optional(),
});

const expectationsSchema = z.strictObject({
  hold: z.array(invariantSchema).optional(),
  fail: z.array(invariantSchema).optional(),
  ignore: z.array(invariantSchema).optional(),
  bounds: z.strictObject(Object.fromEntries(BOUND_NAMES.map((b) => [b, durationSchema.optional()]))).optional(),
  failover: z.strictObject(Object.fromEntries(FAILOVER_COMPONENTS.map((c) => [c, durationSchema.optional()]))).optional(),
  leaseLoad: z
    .strictObject({ tolerance: z.number().positive('expected a tolerance above 0').max(10, 'expected a relative tolerance (0.1 = 10 %)').optional(), from: durationSchema.optional(), to: durationSchema.optional() })
    .optional(),
});

/** `n1`, `{holder-of: default/web}` or `{target-of: <step name>}`. */
export const nodeRefSchema = z.union(
  [z.string().min(1, 'expected a node name'), z.strictObject({ 'holder-of': serviceRefSchema }), z.strictObject({ 'target-of': z.string().min(1, 'expected a step id') })],
  { error: 'expected a node name, {holder-of: <namespace>/<service>} or {target-of: <step id>}' },
);

const stepBase = {
  at: durationSchema,
  id: name('step id').optional(),
  for: durationSchema.optional(),
  repeat: z.strictObject({ every: durationSchema, times: count(1, 1_000) }).optional(),
};
const objectFields = { kind: z.enum(EDITABLE_KINDS), namespace: name('namespace').optional(), name: z.string({ error: 'expected an object name' }).min(1, 'expected an object name') };
const moveFields = { mayMoveIpsOf: z.array(serviceRefSchema).optional() };
const nodeAction = <A extends string>(action: A) => z.strictObject({ ...stepBase, action: z.literal(action), node: nodeRefSchema });
const globalAction = <A extends string>(action: A) => z.strictObject({ ...stepBase, action: z.literal(action) });
const shapeTarget = { node: nodeRefSchema.optional(), client: z.string().optional(), iface: z.string().optional() };

const stepSchema = z.discriminatedUnion('action', [
  nodeAction('kill-node'),
  nodeAction('restart-node'),
  nodeAction('kill-agent'),
  nodeAction('restart-agent'),
  nodeAction('freeze'),
  nodeAction('thaw'),
  nodeAction('partition-api'),
  nodeAction('heal-api'),
  globalAction('api-outage'),
  globalAction('api-restore'),
  globalAction('restart-operator'),
  globalAction('heal-nodes'),
  z.strictObject({ ...stepBase, action: z.literal('link-down'), node: nodeRefSchema, iface: z.string({ error: 'expected an interface name' }) }),
  z.strictObject({ ...stepBase, action: z.literal('link-up'), node: nodeRefSchema, iface: z.string({ error: 'expected an interface name' }) }),
  z.strictObject({ ...stepBase, action: z.literal('segment-down'), segment: z.string({ error: 'expected a segment name' }) }),
  z.strictObject({ ...stepBase, action: z.literal('segment-up'), segment: z.string({ error: 'expected a segment name' }) }),
  z.strictObject({
    ...stepBase,
    action: z.literal('netem'),
    ...shapeTarget,
    delay: durationSchema.optional(),
    jitter: durationSchema.optional(),
    loss: z.number({ error: 'expected a loss percentage' }).min(0, 'expected a percentage from 0 to 100').max(100, 'expected a percentage from 0 to 100').optional(),
  }),
  z.strictObject({ ...stepBase, action: z.literal('netem-clear'), ...shapeTarget }),
  z.strictObject({ ...stepBase, action: z.literal('partition-nodes'), groups: z.array(z.array(nodeRefSchema).min(1, 'expected a non-empty group')).min(2, 'expected at least two groups') }),
  z.strictObject({ ...stepBase, action: z.literal('patch-lease'), service: serviceRefSchema, holder: z.string({ error: "expected a holder identity ('' releases)" }) }),
  z.strictObject({ ...stepBase, action: z.literal('edit'), ...objectFields, patch: z.record(z.string(), z.unknown(), { error: 'expected a JSON merge patch (a mapping)' }), ...moveFields }),
  z.strictObject({ ...stepBase, action: z.literal('apply'), object: z.record(z.string(), z.unknown(), { error: 'expected a Kubernetes object (a mapping)' }), ...moveFields }),
  z.strictObject({ ...stepBase, action: z.literal('delete'), ...objectFields, ...moveFields }),
]);

/** The whole file. */
export const scenarioFileSchema = z.strictObject({
  apiVersion: z.literal(SCENARIO_API_VERSION),
  kind: z.literal('Scenario'),
  metadata: metadataSchema,
  profile: profileSchema.optional(),
  worlds: z.array(z.enum(WORLDS)).min(1, 'expected at least one world').optional(),
  duration: durationSchema,
  seed: count(0, 0xffff_ffff).optional(),
  timings: timingsSchema.optional(),
  clientRateLimit: z.strictObject({ qps: z.number().positive('expected a positive QPS'), burst: count(1, 1_000_000) }).optional(),
  topology: topologySchema,
  manifests: z.union([z.string(), z.array(z.record(z.string(), z.unknown()))], { error: 'expected a multi-document YAML string or a list of Kubernetes objects' }).optional(),
  manifestFiles: z.array(z.string().min(1, 'expected a path')).optional(),
  workload: z.strictObject({ probes: z.array(probeSchema).optional() }).optional(),
  nemesis: z.array(stepSchema).optional(),
  expectations: expectationsSchema.optional(),
});

/** A scenario file after the schema (durations in ms, names not yet cross-checked). */
export type ScenarioFile = z.infer<typeof scenarioFileSchema>;
export type ScenarioFileStep = z.infer<typeof stepSchema>;
export type RawNodeRef = z.infer<typeof nodeRefSchema>;
