/** Tiny builders for the L2 decision tests (not a test file itself). */
import type { Endpoint, L2AnnouncementPolicy, LabelSelector, Node, Service } from '../model/types.ts';
import type { L2Switches, Profile } from '../profiles/profile.ts';
import { getProfile } from '../profiles/profiles.ts';

const source = { file: 'test.yaml', line: 1 };

export function svc(over: Partial<Service> = {}): Service {
  return {
    kind: 'Service',
    namespace: 'default',
    name: 'web',
    labels: {},
    annotations: {},
    type: 'LoadBalancer',
    externalIPs: [],
    externalTrafficPolicy: 'Cluster',
    ipFamilies: ['IPv4'],
    ports: [{ port: 80, protocol: 'TCP' }],
    ingressIPs: [],
    source,
    ...over,
  };
}

export function node(name: string, labels: Record<string, string> = {}, interfaces?: string[]): Node {
  return { kind: 'Node', name, labels, ...(interfaces === undefined ? {} : { interfaces }), source };
}

export function policy(name: string, over: Partial<L2AnnouncementPolicy> = {}): L2AnnouncementPolicy {
  return { kind: 'CiliumL2AnnouncementPolicy', name, loadBalancerIPs: true, externalIPs: false, source, ...over };
}

export function ep(over: Partial<Endpoint> = {}): Endpoint {
  return { kind: 'Endpoint', namespace: 'default', serviceName: 'web', ready: true, source, ...over };
}

export const labels = (matchLabels: Record<string, string>): LabelSelector => ({ matchLabels, matchExpressions: [] });

export const profile = (name: string): Profile => getProfile(name);

/** `base` with one L2 switch flipped (each switch used by the L2 decisions has a flip test). */
export function flip<K extends keyof L2Switches>(base: Profile, key: K, value: L2Switches[K]): Profile {
  return { ...base, name: `${base.name}+${key}=${String(value)}`, l2: { ...base.l2, [key]: value } };
}
