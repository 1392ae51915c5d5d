import { SeededRng } from '../core/rng.ts';
import { allocate } from '../ipam/allocate.ts';
import { decideService } from '../l2/decide-service.ts';
import { selectedDevices } from '../l2/devices.ts';
import { estimateLeaseLoad } from '../l2/lease-load.ts';
import type { ParseIssue } from '../model/parse/issue.ts';
import type { CiliumValues, L2AnnouncementPolicy, ManifestSet, Node } from '../model/types.ts';
import type { Profile } from '../profiles/profile.ts';
import { matchesSelector, serviceSelectorLabels, describeSelector } from '../selector/label-selector.ts';
import { policyFindings } from './findings/policies.ts';
import { poolFindings } from './findings/pools.ts';
import { selectorKeyFindings } from './findings/selector-keys.ts';
import { crossServiceFindings, findingsForService, type ServiceSummary } from './findings/services.ts';
import { settingsFindings } from './findings/settings.ts';
import type { CheckReport, Finding, PolicyReport, ServiceReport } from './report.ts';
import { allocationsByService, buildServiceReport, ingressIpsOf } from './service-report.ts';
import { effectiveSettings } from './settings.ts';
import { at } from './where.ts';

/** Everything `check` analyses. */
export interface AnalyseInput {
  readonly set: ManifestSet;
  readonly values?: CiliumValues;
  readonly profile: Profile;
  /** Seed for the random allocation order of 1.13/1.14. */
  readonly seed: number;
  readonly inputFiles: readonly string[];
  readonly valuesFile?: string;
  readonly parseWarnings?: readonly ParseIssue[];
}

/** Stands for "some node the policy selects" when the input has no Node objects. */
const ANY_NODE: Node = { kind: 'Node', name: '<any selected node>', labels: {}, source: { file: '<none>', line: 0 } };

/**
 * `check` as a pure function: LB-IPAM allocation, candidacy per service and node, lease timing and
 * load, and the findings a careful operator wants, from one manifest set, values and profile.
 */
export function analyseManifests(input: AnalyseInput): CheckReport {
  const { set, values, profile } = input;
  const settings = effectiveSettings(values, profile);
  const ipam = allocate({
    pools: set.pools,
    services: set.services,
    profile,
    rng: new SeededRng(input.seed).fork('ipam'),
    options: {
      ...(values?.ipv4Enabled === undefined ? {} : { ipv4Enabled: values.ipv4Enabled }),
      ...(values?.ipv6Enabled === undefined ? {} : { ipv6Enabled: values.ipv6Enabled }),
      ...(values?.defaultLbServiceIpam === undefined ? {} : { defaultLbServiceIpam: values.defaultLbServiceIpam }),
    },
  });
  // Without Node objects every policy is assumed to select some node, so the report still says
  // which services, IPs and interfaces would be announced.
  const nodesKnown = set.nodes.length > 0;
  const nodes = (nodesKnown ? set.nodes : [ANY_NODE]).map((node) => withSelectedDevices(node, values?.devices));
  const policies: readonly L2AnnouncementPolicy[] = nodesKnown ? set.policies : set.policies.map((p) => ({ ...p, nodeSelector: undefined }));

  const allocations = allocationsByService(ipam);
  const leasesByName = new Map(set.leases.map((l) => [l.name, l]));
  // One service at a time: its per-node decisions (services × nodes of them) are dropped as soon
  // as its report line and findings are made, which keeps peak memory flat on large clusters.
  const serviceReports: ServiceReport[] = [];
  const summaries: ServiceSummary[] = [];
  const leaseCandidates: { name: string; candidateNodes: readonly string[] }[] = [];
  const serviceLevelFindings: Finding[] = [];
  for (const service of set.services) {
    const allocation = allocations.get(`${service.namespace}/${service.name}`);
    const ingressIps = ingressIpsOf(service, allocation);
    const decision = decideService(service, ingressIps, nodes, policies, set.endpoints, profile);
    const ips = [...new Set([...ingressIps, ...service.externalIPs])];
    serviceReports.push(buildServiceReport(service, allocation, decision, nodesKnown, leasesByName));
    serviceLevelFindings.push(...findingsForService({ service, allocation, decision, ips }));
    summaries.push({ service, ips, announceable: decision.announceable });
    leaseCandidates.push({ name: decision.leaseName, candidateNodes: decision.candidateNodes });
  }
  const load = estimateLeaseLoad({
    services: leaseCandidates,
    nodeCount: set.nodes.length,
    retryPeriodMs: settings.timing.effective.retryPeriodMs,
    renewDeadlineMs: settings.timing.effective.renewDeadlineMs,
    optimisticRenew: profile.l2.optimisticRenew,
  });
  const policyReports = set.policies.map((policy) => buildPolicyReport(policy, set, nodesKnown));
  const knownInterfaces = [...new Set(nodes.flatMap((n) => n.interfaces ?? []))];

  const findings: Finding[] = [
    ...settingsFindings(values, settings, load, profile),
    ...(input.parseWarnings ?? []).map((w) => ({ severity: 'warning' as const, code: 'duplicate-object', message: w.message, ...(w.object === undefined ? {} : { object: w.object }), at: `${w.file}:${w.line}` })),
    ...policyFindings(set.policies, policyReports, nodesKnown ? nodes : [], knownInterfaces),
    ...poolFindings(set.pools, ipam, profile),
    ...selectorKeyFindings(set.pools, set.policies),
    ...serviceLevelFindings,
    ...crossServiceFindings(summaries, profile),
    ...inputShapeFindings(set),
  ];

  return {
    schemaVersion: 1,
    profile: profile.name,
    inputs: { files: input.inputFiles, ...(input.valuesFile === undefined ? {} : { values: input.valuesFile }) },
    ...(values?.l2announcementsEnabled === undefined ? {} : { l2AnnouncementsEnabled: values.l2announcementsEnabled }),
    leaseTiming: {
      configuredMs: settings.configuredMs,
      effectiveMs: {
        leaseDuration: settings.timing.effective.leaseDurationMs,
        renewDeadline: settings.timing.effective.renewDeadlineMs,
        retryPeriod: settings.timing.effective.retryPeriodMs,
      },
      corrections: settings.timing.corrections.map((c) => `${c.field.replace(/Ms$/, '')} ${c.fromMs} ms → ${c.toMs} ms (${c.rule})`),
      failoverWindowMs: settings.failoverWindowMs,
    },
    services: serviceReports,
    pools: set.pools.map((pool) => {
      const status = ipam.pools.find((p) => p.name === pool.name);
      return {
        name: pool.name,
        at: at(pool.source),
        total: status?.total ?? 0n,
        used: status?.used ?? 0n,
        available: status?.available ?? 0n,
        conflicting: status?.conflicting ?? false,
        conditions: status?.conditions ?? [],
      };
    }),
    policies: policyReports,
    nodes: set.nodes.map((n) => n.name),
    leaseLoad: {
      leases: load.leaseCount,
      clusterTotalPerS: load.clusterTotalPerS,
      byVerbPerS: load.byVerbPerS,
      perNodeWorstCasePerS: nodesKnown ? Object.entries(load.perNodeWorstCasePerS).map(([node, requestsPerS]) => ({ node, requestsPerS })) : [],
      docsFormulaPerNodePerS: load.docsFormulaPerS,
      clientRateLimit: settings.rateLimit,
    },
    findings,
    skipped: set.skipped.map((s) => ({ kind: s.kind, name: s.name, at: at(s.source) })),
  };
}

/** The node as the decisions see it: its interfaces are the devices Cilium selects on it. */
function withSelectedDevices(node: Node, devicesValue: readonly string[] | undefined): Node {
  const interfaces = selectedDevices(node.interfaces, devicesValue);
  const { interfaces: _given, ...rest } = node;
  return interfaces === undefined ? rest : { ...rest, interfaces };
}

function buildPolicyReport(policy: L2AnnouncementPolicy, set: ManifestSet, nodesKnown: boolean): PolicyReport {
  return {
    name: policy.name,
    at: at(policy.source),
    nodeSelector: describeSelector(policy.nodeSelector),
    serviceSelector: describeSelector(policy.serviceSelector),
    ipTypes: [...(policy.loadBalancerIPs ? ['loadBalancerIPs' as const] : []), ...(policy.externalIPs ? ['externalIPs' as const] : [])],
    interfaces: policy.interfaces ?? [],
    ...(nodesKnown ? { nodes: set.nodes.filter((n) => matchesSelector(policy.nodeSelector, n.labels)).map((n) => n.name) } : {}),
    services: set.services
      .filter((s) => matchesSelector(policy.serviceSelector, serviceSelectorLabels(s)))
      .map((s) => `${s.namespace}/${s.name}`),
  };
}

/** What is missing from the input for a complete answer. */
function inputShapeFindings(set: ManifestSet): Finding[] {
  const findings: Finding[] = [];
  if (set.nodes.length === 0 && set.policies.length > 0) {
    findings.push({
      severity: 'info',
      code: 'no-nodes-in-input',
      message: 'no Node objects given: each policy is assumed to select some node; add `kubectl get nodes -o yaml` output to see candidate nodes and lease load per node',
    });
  }
  if (set.services.length === 0) {
    findings.push({
      severity: 'info',
      code: 'no-services-in-input',
      message: 'no Services given: add `kubectl get svc -A -o yaml` output to see which IPs are allocated and announced',
    });
  }
  return findings;
}
