/**
 * Every IPv4 address range a scenario's LB-IPAM pools can hand out during the run: the blocks of
 * the pools in its manifests plus the blocks that nemesis `edit`/`apply` steps write into a pool
 * (a widened pool must already be routed locally on the nodes when the operator allocates from it).
 * Blocks that do not parse, and IPv6 blocks (the lab runs IPv4 only), are skipped: the operator
 * allocates nothing from them, so nothing needs routing.
 */
import { z } from 'zod';
import { parseCidr, parseIp } from '../../core/ip.ts';
import type { PoolBlock } from '../../model/types.ts';
import type { Scenario } from '../../scenario/types.ts';
import type { Ipv4Range } from './cidr-cover.ts';

/** One pool block as a range, with its origin for error messages. */
export interface PoolRange extends Ipv4Range {
  /** `pool lan block 198.18.0.240-198.18.0.243` (or `… (nemesis step at 10000 ms)`). */
  readonly label: string;
}

const blockSchema = z.object({ cidr: z.string().optional(), start: z.string().optional(), stop: z.string().optional() });
const poolSpecSchema = z.object({
  blocks: z.array(z.unknown()).optional(),
  cidrs: z.array(z.unknown()).optional(),
});

/** The range of one block, or undefined for an invalid or IPv6 block. Pure. */
export function blockRange(block: Pick<PoolBlock, 'cidr' | 'start' | 'stop'>): Ipv4Range | undefined {
  if (block.cidr !== undefined && block.cidr !== '') {
    const cidr = parseCidr(block.cidr);
    return cidr?.family === 'IPv4' ? { first: cidr.first, last: cidr.last } : undefined;
  }
  const start = parseIp(block.start ?? '');
  if (start?.family !== 'IPv4') return undefined;
  if (block.stop === undefined || block.stop === '') return { first: start.value, last: start.value };
  const stop = parseIp(block.stop);
  if (stop?.family !== 'IPv4' || stop.value < start.value) return undefined;
  return { first: start.value, last: stop.value };
}

function blockLabel(block: Pick<PoolBlock, 'cidr' | 'start' | 'stop'>): string {
  if (block.cidr !== undefined && block.cidr !== '') return block.cidr;
  return block.stop === undefined || block.stop === '' ? (block.start ?? '') : `${block.start ?? ''}-${block.stop}`;
}

/** Blocks written by a `spec` object of a raw pool (`spec.blocks` and the older `spec.cidrs`). */
function rawSpecBlocks(spec: unknown): Pick<PoolBlock, 'cidr' | 'start' | 'stop'>[] {
  const parsed = poolSpecSchema.safeParse(spec);
  if (!parsed.success) return [];
  return [...(parsed.data.blocks ?? []), ...(parsed.data.cidrs ?? [])].flatMap((raw) => {
    const block = blockSchema.safeParse(raw);
    return block.success ? [block.data] : [];
  });
}

function specOf(value: unknown): unknown {
  return typeof value === 'object' && value !== null && 'spec' in value ? (value as { spec: unknown }).spec : undefined;
}

/** Every IPv4 pool range of the scenario, manifests first, then nemesis steps in order. Pure. */
export function scenarioPoolRanges(scenario: Pick<Scenario, 'manifests' | 'nemesis'>): PoolRange[] {
  const out: PoolRange[] = [];
  const add = (pool: string, block: Pick<PoolBlock, 'cidr' | 'start' | 'stop'>, where: string): void => {
    const range = blockRange(block);
    if (range !== undefined) out.push({ ...range, label: `pool ${pool} block ${blockLabel(block)}${where}` });
  };
  for (const pool of scenario.manifests.pools) for (const block of pool.blocks) add(pool.name, block, '');
  for (const step of scenario.nemesis) {
    const where = ` (nemesis step at ${step.atMs} ms)`;
    if (step.action === 'edit' && step.target.kind === 'CiliumLoadBalancerIPPool') {
      for (const block of rawSpecBlocks(specOf(step.patch))) add(step.target.name, block, where);
    } else if (step.action === 'apply' && step.object.kind === 'CiliumLoadBalancerIPPool') {
      const metadata = step.object.metadata;
      const name = typeof metadata === 'object' && metadata !== null && 'name' in metadata ? String(metadata.name) : '?';
      for (const block of rawSpecBlocks(specOf(step.object))) add(name, block, where);
    }
  }
  return out;
}
