/**
 * The agent's desired `l2-announce` table (spec §1.3): for every service this node leads, the
 * (IP, interface) pairs its candidacy decision says it programs, merged by pair with the list of
 * origin services — a pair stays while any origin is led here. Pure.
 */
import type { AnnounceTableEntry } from '../datapath/reconcile.ts';
import type { CandidacyDecision } from '../l2/candidacy.ts';

/** A led service and its current candidacy decision. */
export interface LedService {
  /** `namespace/name`. */
  readonly service: string;
  readonly decision: CandidacyDecision;
}

/**
 * The table for `led`, sorted by (IP text, interface). Entries whose interfaces are not device
 * names (devices unknown to the decision) are skipped: the datapath programs only real devices.
 */
export function announceTable(led: readonly LedService[]): AnnounceTableEntry[] {
  const byPair = new Map<string, { ip: string; iface: string; services: Set<string> }>();
  for (const { service, decision } of led) {
    for (const entry of decision.announce) {
      if (!Array.isArray(entry.interfaces)) continue;
      for (const iface of entry.interfaces as readonly string[]) {
        const key = `${entry.ip}@${iface}`;
        const row = byPair.get(key) ?? { ip: entry.ip, iface, services: new Set<string>() };
        row.services.add(service);
        byPair.set(key, row);
      }
    }
  }
  return [...byPair.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, row]) => ({ ip: row.ip, interface: row.iface, services: [...row.services].sort() }));
}

/** True when two led lists name the same services with the same decision objects, in the same order. */
export function sameLed(a: readonly LedService[], b: readonly LedService[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i += 1) {
    const x = a[i];
    const y = b[i];
    if (x === undefined || y === undefined || x.service !== y.service || x.decision !== y.decision) return false;
  }
  return true;
}

/** True when two tables hold the same rows (order included: both come sorted). */
export function sameTable(a: readonly AnnounceTableEntry[], b: readonly AnnounceTableEntry[]): boolean {
  if (a.length !== b.length) return false;
  return a.every((row, i) => {
    const other = b[i];
    return other !== undefined && row.ip === other.ip && row.interface === other.interface && row.services.join(',') === other.services.join(',');
  });
}
