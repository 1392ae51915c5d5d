/**
 * INV-ONE-RESPONDER (K02, M03, K01): replies and gratuitous ARPs for one IP carry one MAC; two
 * MACs may overlap only around a handover, for at most `overlapMs` (see `resolveBounds` for why
 * that bound). Each MAC's answers for an IP form activity spans — consecutive answers no more than
 * `overlapMs` apart — and the checker reports every pair of spans of different MACs that overlap
 * by more than the bound. The wire is sampled (only frames someone caused), so the verdict is as
 * good as the probing rate: probe more often than `overlapMs`.
 */
import type { HistoryOp } from '../core/history.ts';
import { verdict, type CheckResult, type Violation } from './check-result.ts';
import { resolveBounds, type CheckContext } from './context.ts';
import { macIndex, wireAnswers } from './timeline.ts';

interface Span {
  readonly mac: string;
  fromMs: number;
  toMs: number;
}

/** Checks INV-ONE-RESPONDER. 'unknown' when no answer was observed on the wire. */
export function checkOneResponder(ops: readonly HistoryOp[], context: CheckContext): CheckResult {
  const { overlapMs } = resolveBounds(context);
  const answers = wireAnswers(ops);
  if (answers.length === 0) return { valid: 'unknown', details: { reason: 'no ARP replies or GARPs observed on the wire' } };
  const macs = macIndex(context.interfaces);
  const spansByIp = new Map<string, Span[]>();
  const open = new Map<string, Span>();
  for (const answer of answers) {
    const key = `${answer.senderIp} ${answer.senderMac}`;
    const span = open.get(key);
    if (span !== undefined && answer.tMs - span.toMs <= overlapMs) {
      span.toMs = answer.tMs;
      continue;
    }
    const fresh: Span = { mac: answer.senderMac, fromMs: answer.tMs, toMs: answer.tMs };
    open.set(key, fresh);
    const list = spansByIp.get(answer.senderIp);
    if (list === undefined) spansByIp.set(answer.senderIp, [fresh]);
    else list.push(fresh);
  }
  const violations: Violation[] = [];
  let maxOverlapMs = 0;
  for (const [ip, spans] of spansByIp) {
    for (let i = 0; i < spans.length; i += 1) {
      for (let j = i + 1; j < spans.length; j += 1) {
        const a = spans[i];
        const b = spans[j];
        if (a === undefined || b === undefined || a.mac === b.mac) continue;
        const overlap = Math.min(a.toMs, b.toMs) - Math.max(a.fromMs, b.fromMs);
        if (overlap < 0) continue;
        maxOverlapMs = Math.max(maxOverlapMs, overlap);
        if (overlap > overlapMs) {
          const fromMs = Math.max(a.fromMs, b.fromMs);
          violations.push({ atMs: fromMs + overlapMs, ip, macs: [a.mac, b.mac], nodes: [macs.get(a.mac)?.node ?? null, macs.get(b.mac)?.node ?? null], fromMs, toMs: Math.min(a.toMs, b.toMs), overlapMs: overlap });
        }
      }
    }
  }
  return verdict(violations, [], { overlapBoundMs: overlapMs, maxOverlapMs, ips: spansByIp.size });
}
