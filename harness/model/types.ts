/**
 * The normalised object model every decision works on: what l2lab keeps of Kubernetes and Cilium
 * objects after parsing. Raw manifests are validated by `harness/model/parse/*` and turned into
 * these read-only values; decisions (`harness/l2`, `harness/ipam`) never see raw YAML.
 */

/** Where an object came from, for messages (`file:line`). */
export interface SourceRef {
  readonly file: string;
  /** 1-based line of the document's first line (or of the `kind:` key). */
  readonly line: number;
}

/** Kubernetes labels or annotations. */
export type StringMap = Readonly<Record<string, string>>;

/** One `matchExpressions` entry of a Kubernetes LabelSelector. */
export interface LabelSelectorRequirement {
  readonly key: string;
  readonly operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  readonly values: readonly string[];
}

/**
 * A Kubernetes LabelSelector. `undefined` where the model uses a selector means "nil" (matches
 * everything in Cilium's L2 and LB-IPAM code); an empty selector also matches everything.
 */
export interface LabelSelector {
  readonly matchLabels: StringMap;
  readonly matchExpressions: readonly LabelSelectorRequirement[];
}

export type IpFamily = 'IPv4' | 'IPv6';

export interface ServicePort {
  readonly name?: string;
  readonly port: number;
  readonly protocol: 'TCP' | 'UDP' | 'SCTP';
}

/** A core/v1 Service, reduced to what L2 announcements and LB-IPAM read. */
export interface Service {
  readonly kind: 'Service';
  readonly namespace: string;
  readonly name: string;
  readonly labels: StringMap;
  readonly annotations: StringMap;
  readonly creationTimestamp?: string;
  readonly type: 'ClusterIP' | 'NodePort' | 'LoadBalancer' | 'ExternalName';
  readonly loadBalancerClass?: string;
  /** `spec.loadBalancerIP` (deprecated upstream, still honoured by LB-IPAM). */
  readonly loadBalancerIP?: string;
  readonly externalIPs: readonly string[];
  readonly externalTrafficPolicy: 'Cluster' | 'Local';
  readonly ipFamilies: readonly IpFamily[];
  readonly ipFamilyPolicy?: 'SingleStack' | 'PreferDualStack' | 'RequireDualStack';
  readonly ports: readonly ServicePort[];
  /** Pod selector (`spec.selector`); undefined when the service has none. */
  readonly selector?: StringMap;
  /** IPs already present in `status.loadBalancer.ingress[].ip` (hostname-only entries dropped). */
  readonly ingressIPs: readonly string[];
  /** Set when the service is not in the manifests but implied by another object (a Gateway). */
  readonly derivedFrom?: string;
  readonly source: SourceRef;
}

/** A core/v1 Node (Cilium matches policies against the CiliumNode, which copies Node labels). */
export interface Node {
  readonly kind: 'Node';
  readonly name: string;
  readonly labels: StringMap;
  /**
   * The node's network devices as Cilium would select them, when known: from the
   * `l2lab.io/interfaces` annotation (comma list), else from the Helm `devices` value.
   */
  readonly interfaces?: readonly string[];
  readonly source: SourceRef;
}

/** A backend endpoint of a service: from a Pod or an EndpointSlice (for eTP=Local gating). */
export interface Endpoint {
  readonly kind: 'Endpoint';
  readonly namespace: string;
  /** The service this endpoint backs (EndpointSlice label or Pod-selector match). */
  readonly serviceName?: string;
  /** Pod labels, for Pod-derived endpoints (matched against service selectors). */
  readonly podLabels?: StringMap;
  readonly address?: string;
  readonly nodeName?: string;
  readonly ready: boolean;
  readonly source: SourceRef;
}

/** A coordination.k8s.io/v1 Lease (for showing current holders). */
export interface Lease {
  readonly kind: 'Lease';
  readonly namespace: string;
  readonly name: string;
  readonly holderIdentity?: string;
  readonly leaseDurationSeconds?: number;
  readonly renewTime?: string;
  readonly acquireTime?: string;
  readonly leaseTransitions?: number;
  readonly resourceVersion?: string;
  readonly source: SourceRef;
}

/** `CiliumL2AnnouncementPolicy` (cilium.io/v2alpha1), spec §1.1. */
export interface L2AnnouncementPolicy {
  readonly kind: 'CiliumL2AnnouncementPolicy';
  readonly name: string;
  readonly creationTimestamp?: string;
  /** undefined = nil = all nodes. */
  readonly nodeSelector?: LabelSelector;
  /** undefined = nil = all services. */
  readonly serviceSelector?: LabelSelector;
  readonly loadBalancerIPs: boolean;
  readonly externalIPs: boolean;
  /** Go regexps, unanchored; undefined/empty = all Cilium-selected devices. */
  readonly interfaces?: readonly string[];
  readonly source: SourceRef;
}

/** One pool block, spec §5.1: `{cidr}` or `{start, stop}` (`start` alone = one address). */
export type PoolBlock =
  | { readonly cidr: string; readonly start?: undefined; readonly stop?: undefined }
  | { readonly cidr?: undefined; readonly start: string; readonly stop?: string };

/** `CiliumLoadBalancerIPPool` (cilium.io/v2alpha1 or v2), spec §5.1. */
export interface IpPool {
  readonly kind: 'CiliumLoadBalancerIPPool';
  readonly apiVersion: 'cilium.io/v2alpha1' | 'cilium.io/v2';
  readonly name: string;
  readonly creationTimestamp?: string;
  /** `spec.blocks` followed by the 1.13–1.15 `spec.cidrs` entries (merged as 1.15 does). */
  readonly blocks: readonly PoolBlock[];
  /** How many of `blocks` came from the deprecated `spec.cidrs` field (they are at the end). */
  readonly cidrsCount: number;
  readonly serviceSelector?: LabelSelector;
  readonly disabled: boolean;
  /** undefined = unset (meaning depends on the profile: reserve ≤ 1.15, allow ≥ 1.16). */
  readonly allowFirstLastIPs?: 'Yes' | 'No';
  readonly source: SourceRef;
}

/** Cilium Helm values that change what is announced or how leases behave. */
export interface CiliumValues {
  readonly l2announcementsEnabled?: boolean;
  readonly leaseDurationMs?: number;
  readonly leaseRenewDeadlineMs?: number;
  readonly leaseRetryPeriodMs?: number;
  readonly k8sClientQps?: number;
  readonly k8sClientBurst?: number;
  readonly kubeProxyReplacement?: boolean;
  /** Cilium `devices` (names; a trailing `+` is Cilium's prefix wildcard). */
  readonly devices?: readonly string[];
  readonly enableLbIpam?: boolean;
  readonly defaultLbServiceIpam?: 'lbipam' | 'nodeipam' | 'none';
  readonly ipv4Enabled?: boolean;
  readonly ipv6Enabled?: boolean;
  readonly gatewayApiEnabled?: boolean;
  readonly gatewayApiExternalTrafficPolicy?: 'Cluster' | 'Local';
  readonly source: SourceRef;
}

/** Everything `check` and the worlds read from a manifest set. */
export interface ManifestSet {
  readonly services: readonly Service[];
  readonly nodes: readonly Node[];
  readonly endpoints: readonly Endpoint[];
  readonly leases: readonly Lease[];
  readonly policies: readonly L2AnnouncementPolicy[];
  readonly pools: readonly IpPool[];
  /** Objects of kinds l2lab does not model, listed so the user sees they were skipped. */
  readonly skipped: readonly { readonly apiVersion: string; readonly kind: string; readonly name: string; readonly source: SourceRef }[];
}
