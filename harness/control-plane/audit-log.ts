/**
 * Per-identity request accounting from the kube-apiserver audit log (JSON lines, audit.k8s.io/v1
 * `Event`s). The audit policy (`audit-policy.ts`) records Lease requests at `Metadata` level, so
 * each request yields one `ResponseComplete` event carrying the user, verb, object, status code and
 * the received/complete timestamps. This is the attribution route the metrics cannot give (they have
 * no client label).
 *
 * Parsing and summarising are pure; {@link AuditLogCursor} is the only I/O here: it reads the file
 * from where it last stopped, so a phase can count only its own requests.
 */
import { open } from 'node:fs/promises';

/** The fields of an audit event this harness uses. */
export interface AuditEvent {
  readonly auditID: string;
  readonly stage: string;
  readonly verb: string;
  readonly username: string;
  readonly userAgent: string;
  readonly resource: string | undefined;
  readonly apiGroup: string | undefined;
  readonly namespace: string | undefined;
  readonly name: string | undefined;
  readonly code: number | undefined;
  /** Microseconds since the epoch. */
  readonly receivedUs: number;
  /** Microseconds since the epoch. */
  readonly stageUs: number;
}

/** A line that was not an audit event. */
export interface AuditParseProblem {
  readonly lineNumber: number;
  readonly reason: string;
}

/**
 * Parses an RFC 3339 timestamp with up to nanosecond fraction (`2026-11-21T13:50:01.123456Z`)
 * to microseconds since the epoch; `undefined` when unreadable. `Date` alone keeps only ms.
 */
export function parseTimestampUs(text: string): number | undefined {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/.exec(text);
  if (!m) return undefined;
  const wholeMs = Date.parse(`${m[1] ?? ''}${m[3] ?? 'Z'}`);
  if (Number.isNaN(wholeMs)) return undefined;
  const fractionUs = Number(((m[2] ?? '') + '000000').slice(0, 6));
  return wholeMs * 1000 + fractionUs;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function obj(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {};
}

/** Reads one audit JSON line; returns a reason string when it is not a usable event. */
export function parseAuditLine(line: string): AuditEvent | string {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    return 'not JSON';
  }
  const e = obj(raw);
  if (e['kind'] !== 'Event') return 'not an audit Event';
  const receivedUs = parseTimestampUs(str(e['requestReceivedTimestamp']) ?? '');
  const stageUs = parseTimestampUs(str(e['stageTimestamp']) ?? '');
  if (receivedUs === undefined || stageUs === undefined) return 'missing or bad timestamps';
  const user = obj(e['user']);
  const ref = obj(e['objectRef']);
  const status = obj(e['responseStatus']);
  return {
    auditID: str(e['auditID']) ?? '',
    stage: str(e['stage']) ?? '',
    verb: str(e['verb']) ?? '',
    username: str(user['username']) ?? '',
    userAgent: str(e['userAgent']) ?? '',
    resource: str(ref['resource']),
    apiGroup: str(ref['apiGroup']),
    namespace: str(ref['namespace']),
    name: str(ref['name']),
    code: typeof status['code'] === 'number' ? status['code'] : undefined,
    receivedUs,
    stageUs,
  };
}

/** Parses a chunk of the audit log (complete lines). Never throws. */
export function parseAuditLog(text: string, firstLineNumber = 1): { events: AuditEvent[]; problems: AuditParseProblem[] } {
  const events: AuditEvent[] = [];
  const problems: AuditParseProblem[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    const parsed = parseAuditLine(line);
    if (typeof parsed === 'string') problems.push({ lineNumber: firstLineNumber + i, reason: parsed });
    else events.push(parsed);
  });
  return { events, problems };
}

/** Counts and latency of one identity's requests with one verb. */
export interface VerbStats {
  readonly count: number;
  readonly byCode: Readonly<Record<string, number>>;
  readonly latency: { readonly meanMs: number; readonly p50Ms: number; readonly p99Ms: number; readonly maxMs: number };
}

/** `username -> verb -> stats`, verbs as the audit log spells them (`get`, `create`, `update`, …). */
export type AuditSummary = Readonly<Record<string, Readonly<Record<string, VerbStats>>>>;

/** Which events to count; both default to Leases. `undefined` fields match anything. */
export interface AuditFilter {
  readonly resource?: string | undefined;
  readonly apiGroup?: string | undefined;
}

/** Nearest-rank quantile of sorted values (`q` in 0..1). */
export function nearestRank(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}

/**
 * Summarises completed requests per identity and verb. Only `ResponseComplete` events count (a
 * watch also logs `ResponseStarted`; `Panic` events are counted too, as code 500 if none is set).
 */
export function summarizeAudit(
  events: readonly AuditEvent[],
  filter: AuditFilter = { resource: 'leases', apiGroup: 'coordination.k8s.io' },
): AuditSummary {
  const groups = new Map<string, Map<string, { codes: Record<string, number>; latenciesMs: number[] }>>();
  for (const e of events) {
    if (e.stage !== 'ResponseComplete' && e.stage !== 'Panic') continue;
    if (filter.resource !== undefined && e.resource !== filter.resource) continue;
    if (filter.apiGroup !== undefined && e.apiGroup !== filter.apiGroup) continue;
    const byVerb = groups.get(e.username) ?? new Map();
    groups.set(e.username, byVerb);
    const g = byVerb.get(e.verb) ?? { codes: {}, latenciesMs: [] };
    byVerb.set(e.verb, g);
    const code = String(e.code ?? (e.stage === 'Panic' ? 500 : 0));
    g.codes[code] = (g.codes[code] ?? 0) + 1;
    g.latenciesMs.push((e.stageUs - e.receivedUs) / 1000);
  }
  const summary: Record<string, Record<string, VerbStats>> = {};
  for (const [user, byVerb] of [...groups].sort(([a], [b]) => a.localeCompare(b))) {
    const verbs: Record<string, VerbStats> = {};
    for (const [verb, g] of [...byVerb].sort(([a], [b]) => a.localeCompare(b))) {
      const sorted = [...g.latenciesMs].sort((a, b) => a - b);
      verbs[verb] = {
        count: sorted.length,
        byCode: g.codes,
        latency: {
          meanMs: sorted.reduce((s, v) => s + v, 0) / sorted.length,
          p50Ms: nearestRank(sorted, 0.5),
          p99Ms: nearestRank(sorted, 0.99),
          maxMs: sorted[sorted.length - 1] ?? Number.NaN,
        },
      };
    }
    summary[user] = verbs;
  }
  return summary;
}

/**
 * Reads an audit log incrementally: each {@link AuditLogCursor.readNew} returns the complete lines
 * written since the previous call. Start it at the end of the file ({@link AuditLogCursor.atEnd})
 * to count only what a phase causes.
 */
export class AuditLogCursor {
  private offsetBytes: number;
  private lineNumber = 1;
  readonly path: string;

  private constructor(path: string, offsetBytes: number) {
    this.path = path;
    this.offsetBytes = offsetBytes;
  }

  /** A cursor at the start of the file. */
  static fromStart(path: string): AuditLogCursor {
    return new AuditLogCursor(path, 0);
  }

  /** A cursor at the current end of the file (0 if it does not exist yet). */
  static async atEnd(path: string): Promise<AuditLogCursor> {
    const handle = await open(path, 'r').catch(() => undefined);
    if (handle === undefined) return new AuditLogCursor(path, 0);
    try {
      return new AuditLogCursor(path, (await handle.stat()).size);
    } finally {
      await handle.close();
    }
  }

  /** Events in complete lines appended since the last read. A missing file reads as empty. */
  async readNew(): Promise<{ events: AuditEvent[]; problems: AuditParseProblem[] }> {
    const handle = await open(this.path, 'r').catch(() => undefined);
    if (handle === undefined) return { events: [], problems: [] };
    try {
      const size = (await handle.stat()).size;
      if (size <= this.offsetBytes) return { events: [], problems: [] };
      const buffer = Buffer.alloc(size - this.offsetBytes);
      await handle.read(buffer, 0, buffer.length, this.offsetBytes);
      const lastNewline = buffer.lastIndexOf(0x0a);
      if (lastNewline < 0) return { events: [], problems: [] };
      const text = buffer.subarray(0, lastNewline + 1).toString('utf8');
      this.offsetBytes += lastNewline + 1;
      const result = parseAuditLog(text, this.lineNumber);
      this.lineNumber += text.split('\n').length - 1;
      return result;
    } finally {
      await handle.close();
    }
  }
}
