/**
 * The nemesis vocabulary of scenarios (Jepsen's nemesis ops as data). Action names are the
 * history's `f` names (`docs/history.md`, "Nemesis") where one exists, so a scenario step and the
 * op it records read the same. Each world implements every action it can and reports the others
 * as unsupported (result 'unknown', never a silent pass).
 */
import type { SourceRef } from '../model/types.ts';

/**
 * Which node a step acts on: a name, the holder of a service's Lease at the moment the step runs
 * (`holder-of`), or whichever node an earlier step (by `id`) acted on (`target-of`, so a `thaw` finds
 * the node a `freeze` of `holder-of` picked).
 */
export type NodeRef =
  | { readonly kind: 'node'; readonly name: string }
  | { readonly kind: 'holder-of'; readonly service: string }
  | { readonly kind: 'target-of'; readonly step: string };

/** A Kubernetes object by kind, namespace (namespaced kinds only) and name. */
export interface ObjectRef {
  readonly kind: EditableKind;
  readonly namespace?: string;
  readonly name: string;
}

/** Kinds a step may edit or delete. */
export const EDITABLE_KINDS = ['Node', 'Service', 'CiliumL2AnnouncementPolicy', 'CiliumLoadBalancerIPPool', 'Lease', 'EndpointSlice', 'Pod'] as const;
export type EditableKind = (typeof EDITABLE_KINDS)[number];
/** Kinds that live in a namespace (the rest are cluster-scoped). */
export const NAMESPACED_KINDS: ReadonlySet<string> = new Set(['Service', 'Lease', 'EndpointSlice', 'Pod']);

/** Actions on one node. */
export const NODE_ACTIONS = ['kill-node', 'restart-node', 'kill-agent', 'restart-agent', 'freeze', 'thaw', 'partition-api', 'heal-api'] as const;
/** Actions without a target. */
export const GLOBAL_ACTIONS = ['api-outage', 'api-restore', 'restart-operator', 'heal-nodes'] as const;

/** Every action name. */
export const NEMESIS_ACTIONS = [
  ...NODE_ACTIONS,
  ...GLOBAL_ACTIONS,
  'link-down',
  'link-up',
  'segment-down',
  'segment-up',
  'netem',
  'netem-clear',
  'partition-nodes',
  'patch-lease',
  'edit',
  'apply',
  'delete',
] as const;
export type NemesisActionName = (typeof NEMESIS_ACTIONS)[number];

/**
 * The action that undoes each undoable action: a step with `for: 10s` is followed by its inverse
 * 10 s later, on the same target.
 */
export const INVERSE_ACTIONS: Readonly<Partial<Record<NemesisActionName, NemesisActionName>>> = {
  'kill-node': 'restart-node',
  'kill-agent': 'restart-agent',
  freeze: 'thaw',
  'partition-api': 'heal-api',
  'api-outage': 'api-restore',
  'link-down': 'link-up',
  'segment-down': 'segment-up',
  netem: 'netem-clear',
  'partition-nodes': 'heal-nodes',
};

/** One nemesis action with its target. */
export type NemesisAction =
  | { readonly action: (typeof NODE_ACTIONS)[number]; readonly node: NodeRef }
  | { readonly action: (typeof GLOBAL_ACTIONS)[number] }
  /** Data link of one node down/up. */
  | { readonly action: 'link-down' | 'link-up'; readonly node: NodeRef; readonly iface: string }
  /** A whole segment (bridge) down/up: every port on it loses carrier (a switch power-cycle). */
  | { readonly action: 'segment-down' | 'segment-up'; readonly segment: string }
  /** netem on a node interface (a data interface or `mgmt`, the API link) or on a client. */
  | {
      readonly action: 'netem';
      readonly node?: NodeRef;
      readonly client?: string;
      readonly iface?: string;
      readonly delayMs?: number;
      readonly jitterMs?: number;
      readonly lossPercent?: number;
    }
  | { readonly action: 'netem-clear'; readonly node?: NodeRef; readonly client?: string; readonly iface?: string }
  /** Nodes in different groups cannot talk to each other (a grudge; gossip split for MetalLB). */
  | { readonly action: 'partition-nodes'; readonly groups: readonly (readonly NodeRef[])[] }
  /** Lease tampering: write `holder` into a service's Lease (`""` = released). */
  | { readonly action: 'patch-lease'; readonly service: string; readonly holder: string }
  /** A JSON merge patch on an object; `mayMoveIpsOf` lists services whose IPs it may legitimately move. */
  | { readonly action: 'edit'; readonly target: ObjectRef; readonly patch: Readonly<Record<string, unknown>>; readonly mayMoveIpsOf: readonly string[] }
  /** Create or replace an object (`kubectl apply`). */
  | { readonly action: 'apply'; readonly object: Readonly<Record<string, unknown>>; readonly mayMoveIpsOf: readonly string[] }
  | { readonly action: 'delete'; readonly target: ObjectRef; readonly mayMoveIpsOf: readonly string[] };

/** When a step runs: once at `atMs`, or `times` times every `everyMs`; `forMs` adds the inverse. */
export interface StepTiming {
  readonly atMs: number;
  /** Id for `target-of` references and reports. */
  readonly id?: string;
  /** Run the inverse action this long after each occurrence. */
  readonly forMs?: number;
  readonly repeat?: { readonly everyMs: number; readonly times: number };
  readonly source: SourceRef;
}

/** One step of the schedule, as written. */
export type NemesisStep = StepTiming & NemesisAction;
