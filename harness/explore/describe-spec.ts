/**
 * One-line-per-part summaries of a {@link ScenarioSpec}, in the terse style of fast-check's
 * command `toString()` (`kill-node@12s[holder-of s1]`), so a shrunk counterexample reads like a
 * scenario script on the terminal and in the regression file's header.
 */
import { FAST_TIMINGS, type ScenarioSpec, type StepSpec } from './spec.ts';
import { nodeName, serviceName } from './spec-document.ts';

/** The summary lines of `spec`. */
export function describeSpec(spec: ScenarioSpec): string[] {
  const timing = FAST_TIMINGS[spec.timing % FAST_TIMINGS.length] ?? FAST_TIMINGS[0];
  const nodes = spec.nodes.map((n, k) => `${nodeName(k)}{${[n.zone === undefined ? '' : `zone=${n.zone}`, n.role === undefined ? '' : `role=${n.role}`].filter(Boolean).join(',')}}${n.secondInterface ? '[eth0,eth1]' : '[eth0]'}`);
  const services = spec.services.map((s, k) => {
    const extras = [`tier=${s.tier}`, s.externalIp ? 'externalIP' : '', s.etpLocal ? 'eTP=Local' : '', s.backendNode === undefined ? '' : `backend=${nodeName(s.backendNode % spec.nodes.length)}`, s.sharingKey ?? '', s.loadBalancerClass ?? ''];
    return `${serviceName(k)}:${s.type}{${extras.filter(Boolean).join(',')}}`;
  });
  const policies = spec.policies.map((p, k) => {
    const parts = [p.nodeSelector === undefined ? '' : `nodes ${p.nodeSelector.key}=${p.nodeSelector.value}`, p.serviceTier === undefined ? '' : `services tier=${p.serviceTier}`, p.interfacePattern === undefined ? '' : `ifaces ${p.interfacePattern}`, p.loadBalancerIPs ? 'lbIPs' : '', p.externalIPs ? 'externalIPs' : ''];
    return `p${k + 1}{${parts.filter(Boolean).join(', ')}}`;
  });
  const pools = spec.pools.map((p, k) => `pool${k + 1}{198.18.0.${128 + 16 * (p.block % 4)}/28${p.serviceTier === undefined ? '' : `, tier=${p.serviceTier}`}}`);
  return [
    `nodes (${spec.nodes.length}): ${nodes.join(' ')}`,
    `services (${spec.services.length}): ${services.join(' ') || '-'}`,
    `policies (${spec.policies.length}): ${policies.join(' ') || '-'}`,
    `pools (${spec.pools.length}): ${pools.join(' ') || '-'}`,
    `timings: ${timing.leaseDuration}/${timing.renewDeadline}/${timing.retryPeriod}; client rate limit: ${spec.rateLimit === undefined ? 'none' : `qps ${spec.rateLimit.qps} burst ${spec.rateLimit.burst}`}; probing client: ${spec.client ? 'yes' : 'no'}`,
    `faults (${spec.steps.length}): ${spec.steps.map((s) => describeStep(spec, s)).join(' ') || '-'}`,
    `world seed: ${spec.worldSeed}`,
  ];
}

function describeStep(spec: ScenarioSpec, step: StepSpec): string {
  const target = step.holderOf !== undefined && spec.services.length > 0 ? `holder-of ${serviceName(step.holderOf % spec.services.length)}` : nodeName(step.node % spec.nodes.length);
  return `${step.kind}@${step.atS}s[${target}]${step.kind === 'kill-node' || step.kind === 'restart-operator' ? '' : `/${step.forS}s`}`;
}
