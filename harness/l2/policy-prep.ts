/**
 * A `CiliumL2AnnouncementPolicy` checked once the way the agent's `upsertPolicy` checks it: node
 * selector, interface regexes, service selector. Any error makes the agent set the matching
 * `io.cilium/bad-*` condition and return before recording the policy, so an invalid policy selects
 * nothing on any node (spec §1.1). Preparation is memoised per policy object because `check`
 * evaluates every policy for every (service, node) pair.
 */
import type { L2AnnouncementPolicy, Node, Service } from '../model/types.ts';
import { matchesSelector, serviceSelectorLabels, validateSelector } from '../selector/label-selector.ts';
import { compileInterfacePattern, goMatcher } from './interface-pattern.ts';
import type { NotCandidateReason } from './reasons.ts';

/** The status condition Cilium would set for a policy problem (spec §1.1). */
export type PolicyCondition = 'io.cilium/bad-node-selector' | 'io.cilium/bad-interface-regex' | 'io.cilium/bad-service-selector';

/** One reason Cilium ignores a policy. */
export interface PolicyProblem {
  readonly condition: PolicyCondition;
  readonly message: string;
}

/** A policy with its selectors validated and its interface patterns compiled. */
export interface PreparedPolicy {
  readonly policy: L2AnnouncementPolicy;
  readonly nodeSelectorProblems: readonly PolicyProblem[];
  readonly interfaceProblems: readonly PolicyProblem[];
  readonly serviceSelectorProblems: readonly PolicyProblem[];
  /** Patterns Go accepts but l2lab calls non-portable; evaluated with Go semantics anyway. */
  readonly nonPortablePatterns: readonly { readonly pattern: string; readonly reason: string }[];
  /** undefined = no `interfaces` (all Cilium devices); else Go `MatchString` OR-ed over entries. */
  readonly matchesDevice: ((device: string) => boolean) | undefined;
  /** Does the node selector select `node`? (memoised per node object) */
  readonly selectsNode: (node: Node) => boolean;
  /** Does the service selector select `service` (labels + synthetic labels)? (memoised per service object) */
  readonly selectsService: (service: Service) => boolean;
  /** The devices this policy selects from a node's device list (memoised per list). */
  readonly selectDevices: (devices: readonly string[]) => readonly string[];
  /**
   * The `node-not-selected` / `service-not-selected` reasons, one object per (policy, node) and
   * (policy, service): these are most of the reasons on a large cluster (services × nodes ×
   * policies), so they are shared instead of rebuilt per (service, node) pair.
   */
  readonly nodeNotSelectedReason: (node: Node) => NotCandidateReason;
  readonly serviceNotSelectedReason: (service: Service) => NotCandidateReason;
}

const prepared = new WeakMap<L2AnnouncementPolicy, PreparedPolicy>();

function selectorProblems(condition: PolicyCondition, field: string, problems: readonly string[]): PolicyProblem[] {
  return problems.map((p) => ({ condition, message: `spec.${field}.${p}` }));
}

function prepare(policy: L2AnnouncementPolicy): PreparedPolicy {
  const patterns = policy.interfaces ?? [];
  const interfaceProblems: PolicyProblem[] = [];
  const nonPortablePatterns: { pattern: string; reason: string }[] = [];
  const matchers: ((name: string) => boolean)[] = [];
  patterns.forEach((pattern, i) => {
    const compiled = compileInterfacePattern(pattern);
    const m = goMatcher(compiled);
    if (m === undefined) {
      interfaceProblems.push({ condition: 'io.cilium/bad-interface-regex', message: `spec.interfaces[${i}] '${pattern}': ${compiled.ok ? '' : compiled.reason}` });
      return;
    }
    if (!compiled.ok) nonPortablePatterns.push({ pattern, reason: compiled.reason });
    matchers.push(m);
  });
  const matchesDevice = patterns.length === 0 ? undefined : (device: string) => matchers.some((m) => m(device));
  const nodeCache = new WeakMap<Node, boolean>();
  const serviceCache = new WeakMap<Service, boolean>();
  const deviceCache = new Map<string, readonly string[]>();
  const nodeReasons = new WeakMap<Node, NotCandidateReason>();
  const serviceReasons = new WeakMap<Service, NotCandidateReason>();
  const name = policy.name;
  return {
    policy,
    nodeSelectorProblems: selectorProblems('io.cilium/bad-node-selector', 'nodeSelector', validateSelector(policy.nodeSelector)),
    interfaceProblems,
    serviceSelectorProblems: selectorProblems('io.cilium/bad-service-selector', 'serviceSelector', validateSelector(policy.serviceSelector)),
    nonPortablePatterns,
    matchesDevice,
    // No selector selects everything: answered without a cache entry or the service's label set.
    selectsNode: (node) => {
      if (policy.nodeSelector === undefined) return true;
      let hit = nodeCache.get(node);
      if (hit === undefined) {
        hit = matchesSelector(policy.nodeSelector, node.labels);
        nodeCache.set(node, hit);
      }
      return hit;
    },
    selectsService: (service) => {
      if (policy.serviceSelector === undefined) return true;
      let hit = serviceCache.get(service);
      if (hit === undefined) {
        hit = matchesSelector(policy.serviceSelector, serviceSelectorLabels(service));
        serviceCache.set(service, hit);
      }
      return hit;
    },
    nodeNotSelectedReason: (node) => {
      let reason = nodeReasons.get(node);
      if (reason === undefined) {
        reason = { code: 'node-not-selected', policy: name, message: `policy ${name}'s nodeSelector does not select node ${node.name}` };
        nodeReasons.set(node, reason);
      }
      return reason;
    },
    serviceNotSelectedReason: (service) => {
      let reason = serviceReasons.get(service);
      if (reason === undefined) {
        reason = { code: 'service-not-selected', policy: name, message: `policy ${name}'s serviceSelector does not select ${service.namespace}/${service.name}` };
        serviceReasons.set(service, reason);
      }
      return reason;
    },
    selectDevices: (devices) => {
      if (matchesDevice === undefined) return devices;
      const key = devices.join('\n');
      let hit = deviceCache.get(key);
      if (hit === undefined) {
        hit = devices.filter(matchesDevice);
        deviceCache.set(key, hit);
      }
      return hit;
    },
  };
}

/** Validates and compiles a policy once (memoised per object). Never throws. */
export function preparePolicy(policy: L2AnnouncementPolicy): PreparedPolicy {
  let p = prepared.get(policy);
  if (p === undefined) {
    p = prepare(policy);
    prepared.set(policy, p);
  }
  return p;
}

/** All reasons Cilium would ignore this policy, in the order the agent checks them. */
export function policyProblems(p: PreparedPolicy): PolicyProblem[] {
  return [...p.nodeSelectorProblems, ...p.interfaceProblems, ...p.serviceSelectorProblems];
}
