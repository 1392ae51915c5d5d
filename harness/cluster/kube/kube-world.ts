/**
 * The nemesis of a scenario on a real cluster: the faults of the shared real-time loop
 * (`runLabNemesis`'s world) by scenario node name, each decided by {@link decideKubeFault} and
 * performed here — Docker CLI and netns commands through a {@link LabExec}, pod deletes and
 * readiness through the admin's API access. Node names go through the plan's map both ways: the
 * loop and the history speak the scenario's (`n1`), the cluster its own (`kind-worker`).
 */
import type { Clock } from '../../core/clock.ts';
import type { History } from '../../core/history.ts';
import type { LinkShape } from '../../core/net.ts';
import type { CallOptions, KubeObject, ObjectRef, ObjectStore } from '../../core/object-store.ts';
import { isLeaseObject, LEASES } from '../../election/lease-record.ts';
import { netemArgs } from '../../lab/net/lab-net.ts';
import type { LabExec } from '../../lab/net/lab-exec.ts';
import { HARNESS_IDENTITY } from '../../lab/world/lab-edits.ts';
import type { NemesisWorld } from '../../lab/world/lab-nemesis.ts';
import { attachContainerNetns, detachNetns } from '../wire/container-netns.ts';
import { decideKubeFault, type KubeFault, type KubeFaultContext, type KubeFaultStep } from './decide-kube-fault.ts';
import type { KubeRunPlan } from './kube-plan.ts';

/** The admin's store, with pod deletes that take a grace period (`KubeObjectStore`). */
export type KubeAdminStore = Pick<ObjectStore, 'get' | 'list'> & {
  delete(ref: ObjectRef, options: CallOptions & { readonly gracePeriodSeconds?: number }): Promise<void>;
};

/** Options of {@link KubeWorld}. */
export interface KubeWorldOptions {
  readonly plan: KubeRunPlan;
  readonly context: Omit<KubeFaultContext, 'plan'>;
  readonly store: KubeAdminStore;
  readonly exec: LabExec;
  readonly clock: Pick<Clock, 'monotonicMs' | 'sleep'>;
  readonly history: History;
  /** A client's netns (netem on a client). */
  readonly clientNetns: (client: string) => string | undefined;
  /** Bound of one docker / ip / tc / nft command. */
  readonly commandTimeoutMs?: number;
  /** Poll period of a wait for an agent pod. */
  readonly pollMs?: number;
}

const DEFAULT_COMMAND_TIMEOUT_MS = 60_000;

/** Faults on a cluster; see the module note. */
export class KubeWorld implements NemesisWorld {
  readonly problems: string[] = [];
  readonly #o: KubeWorldOptions;
  /** Pods this world deleted: their successors are what restart-agent waits for. */
  readonly #deleted = new Set<string>();
  readonly #attached = new Set<string>();

  constructor(options: KubeWorldOptions) {
    this.#o = options;
  }

  /** Netns names this world attached (the runner detaches them at the end). */
  get attachedNetns(): readonly string[] {
    return [...this.#attached];
  }

  /** The holder in a service's Lease now, as a scenario node name ('' released, undefined absent). */
  async holderOf(service: string): Promise<string | undefined> {
    try {
      const lease = await this.#o.store.get({ resource: LEASES, namespace: this.#o.plan.leaseNamespace, name: this.#o.plan.leaseNameOf(service) }, { identity: HARNESS_IDENTITY });
      if (!isLeaseObject(lease)) return undefined;
      const holder = lease.spec.holderIdentity ?? '';
      return this.#o.plan.toScenario[holder] ?? holder;
    } catch {
      return undefined;
    }
  }

  killAgent(node: string): Promise<void> {
    return this.#perform({ action: 'kill-agent', node });
  }
  restartAgent(node: string): Promise<void> {
    return this.#perform({ action: 'restart-agent', node });
  }
  killNode(node: string): Promise<void> {
    return this.#perform({ action: 'kill-node', node });
  }
  restartNode(node: string): Promise<void> {
    return this.#perform({ action: 'restart-node', node });
  }
  freeze(node: string): Promise<void> {
    return this.#perform({ action: 'freeze', node });
  }
  thaw(node: string): Promise<void> {
    return this.#perform({ action: 'thaw', node });
  }
  partitionApi(node: string): Promise<void> {
    return this.#perform({ action: 'partition-api', node });
  }
  healApi(node: string): Promise<void> {
    return this.#perform({ action: 'heal-api', node });
  }
  linkDown(node: string, iface: string): Promise<void> {
    return this.#perform({ action: 'link-down', node, iface });
  }
  linkUp(node: string, iface: string): Promise<void> {
    return this.#perform({ action: 'link-up', node, iface });
  }
  apiOutage(down: boolean): Promise<void> {
    return this.#perform({ action: down ? 'api-outage' : 'api-restore' });
  }
  restartOperator(): Promise<void> {
    return this.#perform({ action: 'restart-operator' });
  }

  async netem(target: { readonly node?: string; readonly client?: string }, iface: string, shape: LinkShape | undefined): Promise<void> {
    if (target.node !== undefined) return this.#perform(shape === undefined ? { action: 'netem-clear', node: target.node, iface } : { action: 'netem', node: target.node, iface, shape });
    const netns = target.client === undefined ? undefined : this.#o.clientNetns(target.client);
    if (netns === undefined) throw new Error(`netem: no client ${target.client ?? '(none)'} in this run`);
    this.#o.history.record({ process: 'nemesis', type: 'info', f: shape === undefined ? 'netem-clear' : 'netem', value: { client: target.client ?? '', ...(shape ?? {}) } });
    const args = shape === undefined ? ['-n', netns, 'qdisc', 'del', 'dev', iface, 'root'] : netemArgs(netns, iface, shape);
    await this.#o.exec('tc', args, { timeoutMs: this.#timeoutMs }).catch((error: unknown) => {
      if (shape !== undefined) throw error; // clearing what is not there is fine
    });
  }

  partitionNodes(): Promise<void> {
    return Promise.reject(new Error(this.#o.plan.unsupported['partition-nodes'] ?? 'partition-nodes is not performed on a cluster'));
  }
  healNodes(): Promise<void> {
    return Promise.reject(new Error(this.#o.plan.unsupported['heal-nodes'] ?? 'heal-nodes is not performed on a cluster'));
  }

  /** Decides and runs one fault. @throws Error naming the step that failed, or the reason it is not performed. */
  async #perform(fault: KubeFault): Promise<void> {
    const steps = decideKubeFault(fault, { plan: this.#o.plan, ...this.#o.context });
    for (const step of steps) await this.#run(step, fault.action);
  }

  get #timeoutMs(): number {
    return this.#o.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
  }

  async #run(step: KubeFaultStep, action: string): Promise<void> {
    switch (step.kind) {
      case 'skip':
        throw new Error(step.reason);
      case 'record':
        this.#o.history.record({ process: 'nemesis', type: 'info', f: step.f, value: { ...step.value } });
        return;
      case 'docker':
        await this.#command(action, 'docker', step.args);
        return;
      case 'exec':
        try {
          await this.#command(action, step.argv[0] ?? '', step.argv.slice(1), step.stdin);
        } catch (error) {
          if (step.tolerateFailure !== true) throw error;
        }
        return;
      case 'attach-netns': {
        const pid = Number((await this.#command(action, 'docker', ['inspect', '-f', '{{.State.Pid}}', step.container])).trim());
        await detachNetns(step.netns, this.#o.exec); // a restarted container has a new namespace
        await attachContainerNetns(step.netns, pid, this.#o.exec, step.container);
        this.#attached.add(step.netns);
        return;
      }
      case 'delete-pods': {
        const pods = await this.#pods(step.namespace, step.labels, step.node);
        if (pods.length === 0) throw new Error(`${action}: no pod with ${labelText(step.labels)}${step.node === undefined ? '' : ` on ${step.node}`}`);
        for (const pod of pods) {
          if (typeof pod.metadata.uid === 'string') this.#deleted.add(pod.metadata.uid);
          await this.#o.store.delete({ resource: 'pods', namespace: pod.metadata.namespace, name: pod.metadata.name }, { identity: HARNESS_IDENTITY, gracePeriodSeconds: 0 });
        }
        return;
      }
      case 'await-agent-ready': {
        const deadline = this.#o.clock.monotonicMs() + step.timeoutMs;
        const pollMs = this.#o.pollMs ?? 500;
        for (let i = 0; i < 1_000_000; i++) {
          const pods = await this.#pods(this.#o.plan.agents.namespace, this.#o.plan.agents.labels, step.node).catch(() => []);
          if (pods.some((p) => !this.#deleted.has(String(p.metadata.uid)) && !terminating(p) && isReady(p))) return;
          if (this.#o.clock.monotonicMs() + pollMs > deadline) break;
          await this.#o.clock.sleep(pollMs);
        }
        this.problems.push(`${action}: no Ready agent pod (${labelText(this.#o.plan.agents.labels)}) on ${step.node} within ${step.timeoutMs} ms`);
        return;
      }
    }
  }

  async #command(action: string, file: string, args: readonly string[], input?: string): Promise<string> {
    try {
      return (await this.#o.exec(file, args, { timeoutMs: this.#timeoutMs, ...(input === undefined ? {} : { input }) })).stdout;
    } catch (error) {
      const stderr = (error as { stderr?: string }).stderr?.trim() ?? '';
      throw new Error(`${action}: ${file} ${args.join(' ')} failed (limit ${this.#timeoutMs} ms)${stderr === '' ? `: ${error instanceof Error ? error.message : String(error)}` : `: ${stderr.split('\n').slice(-3).join(' ')}`}`, { cause: error });
    }
  }

  async #pods(namespace: string, labels: Readonly<Record<string, string>>, node: string | undefined): Promise<KubeObject[]> {
    const all = await this.#o.store.list('pods', namespace, { identity: HARNESS_IDENTITY });
    return all.filter((pod) => {
      const own = (pod.metadata.labels ?? {}) as Record<string, string>;
      const spec = (pod.spec ?? {}) as { nodeName?: string };
      return Object.entries(labels).every(([k, v]) => own[k] === v) && (node === undefined || spec.nodeName === node);
    });
  }
}

function labelText(labels: Readonly<Record<string, string>>): string {
  return Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(',');
}

function terminating(pod: KubeObject): boolean {
  return (pod.metadata as { deletionTimestamp?: unknown }).deletionTimestamp !== undefined;
}

function isReady(pod: KubeObject): boolean {
  const conditions = ((pod.status as { conditions?: { type?: string; status?: string }[] } | undefined)?.conditions) ?? [];
  return conditions.some((c) => c.type === 'Ready' && c.status === 'True');
}
