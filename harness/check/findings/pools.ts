import type { IpamResult } from '../../ipam/allocate.ts';
import type { IpPool } from '../../model/types.ts';
import type { Profile } from '../../profiles/profile.ts';
import type { Finding } from '../report.ts';
import { at } from '../where.ts';

/** What LB-IPAM would say about the pools: conflicts, blocks it rejects, exhaustion, upgrade traps. */
export function poolFindings(pools: readonly IpPool[], ipam: IpamResult, profile: Profile): Finding[] {
  const findings: Finding[] = [];
  for (const pool of pools) {
    const status = ipam.pools.find((p) => p.name === pool.name);
    const object = `CiliumLoadBalancerIPPool/${pool.name}`;
    const where = at(pool.source);
    if (status === undefined) continue;
    for (const field of status.rejectedFields) {
      findings.push({ severity: 'error', code: 'pool-field-not-served', message: `${field}; the pool gives no IPs`, object, at: where, ref: '§5.1' });
    }
    for (const block of status.invalidBlocks) {
      findings.push({
        severity: 'error',
        code: 'pool-invalid-block',
        message: `block ${block.index} (${block.value}): ${block.reason}; the operator rejects the whole pool and retries with backoff, no IPs from it`,
        object,
        at: where,
        ref: '§5.6',
      });
    }
    if (status.conflicting) {
      findings.push({
        severity: 'error',
        code: 'pool-conflict',
        message: `pool conflicts (${status.conflictMessage ?? 'overlapping ranges'}): all its ranges are disabled for new allocations`,
        object,
        at: where,
        ref: '§5.6',
      });
    }
    if (pool.disabled) {
      findings.push({ severity: 'info', code: 'pool-disabled', message: 'pool is disabled: no new allocations from it', object, at: where, ref: '§5.6' });
    }
    if (status.total > 0n && status.available === 0n && !status.conflicting) {
      findings.push({ severity: 'warning', code: 'pool-exhausted', message: `pool is full (${status.used}/${status.total} used)`, object, at: where, ref: '§5.5' });
    }
    findings.push(...firstLastUpgradeFinding(pool, profile, object, where));
  }
  return findings;
}

/**
 * C21: `allowFirstLastIPs` unset flips meaning between 1.15 (reserve) and 1.16 (allow), so a pool
 * with CIDR blocks larger than /31 hands out network/broadcast addresses after the upgrade.
 */
function firstLastUpgradeFinding(pool: IpPool, profile: Profile, object: string, where: string): Finding[] {
  if (pool.allowFirstLastIPs !== undefined) return [];
  const cidrs = pool.blocks.filter((b) => b.cidr !== undefined && !/\/(31|32|127|128)$/.test(b.cidr)).map((b) => b.cidr);
  if (cidrs.length === 0) return [];
  const mode = profile.ipam.firstLastIPs;
  const now = mode === 'unset-allows' ? 'are handed out' : 'are reserved';
  return [
    {
      severity: 'info',
      code: 'pool-first-last-default',
      message: `allowFirstLastIPs is unset: the first and last address of ${cidrs.join(', ')} ${now} on ${profile.name}; the default changed in 1.16 (reserve → allow), set it explicitly to keep the behaviour across upgrades`,
      object,
      at: where,
      ref: 'C21',
    },
  ];
}
