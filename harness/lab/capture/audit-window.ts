/**
 * API request counts of one lab run from the kube-apiserver audit log: per identity and verb,
 * only requests received inside the run's window. The parsing and the summary are
 * `harness/control-plane/audit-log.ts`'s; this adds the time window (a warm control plane serves
 * many runs, so the log holds other runs' requests too).
 */
import { readFile } from 'node:fs/promises';
import { parseAuditLog, summarizeAudit, type AuditFilter, type AuditParseProblem, type AuditSummary } from '../../control-plane/audit-log.ts';

/** A run's audit summary. */
export interface RunAuditSummary {
  /** `username -> verb -> stats` (Leases unless another filter is given). */
  readonly summary: AuditSummary;
  /** Audit events received inside the window (every resource and stage). */
  readonly eventsInWindow: number;
  /** Lines that were not audit events (a partial last line is skipped, not reported). */
  readonly problems: readonly AuditParseProblem[];
}

/**
 * Summarises the requests received in `[fromUs, toUs)` (µs since the Unix epoch, wall clock — the
 * audit log's `requestReceivedTimestamp`).
 * @throws Error naming the path when the log cannot be read, RangeError for an empty window.
 */
export async function summarizeAuditForRun(auditLogPath: string, fromUs: number, toUs: number, filter?: AuditFilter): Promise<RunAuditSummary> {
  if (!(toUs > fromUs)) throw new RangeError(`summarising ${auditLogPath}: the window [${fromUs}, ${toUs}) µs is empty`);
  let text: string;
  try {
    text = await readFile(auditLogPath, 'utf8');
  } catch (error) {
    throw new Error(`reading the audit log ${auditLogPath}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  // The apiserver may be mid-line when the run ends: only complete lines count.
  const complete = text.slice(0, text.lastIndexOf('\n') + 1);
  const { events, problems } = parseAuditLog(complete);
  const inWindow = events.filter((event) => event.receivedUs >= fromUs && event.receivedUs < toUs);
  return { summary: filter === undefined ? summarizeAudit(inWindow) : summarizeAudit(inWindow, filter), eventsInWindow: inWindow.length, problems };
}
