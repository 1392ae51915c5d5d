/**
 * `history.jsonl`: one op per line, keys in a fixed order (`index, tMs, process, type, f, value`)
 * and the keys of every object inside `value` sorted, so the same run always gives the same bytes
 * (the determinism test compares files byte for byte) and diffs between runs stay readable.
 * `undefined` object fields are omitted, as `JSON.stringify` does.
 */
import type { HistoryOp, HistoryOpType, HistoryValue } from '../core/history.ts';

const OP_TYPES: ReadonlySet<string> = new Set<HistoryOpType>(['invoke', 'ok', 'fail', 'info']);

/** JSON text with object keys sorted at every level. */
export function stableStringify(value: HistoryValue | undefined): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) throw new TypeError(`serialising a history value: ${value} is not finite JSON`);
    return JSON.stringify(value) ?? 'null';
  }
  if (Array.isArray(value)) return `[${(value as readonly HistoryValue[]).map((item) => stableStringify(item)).join(',')}]`;
  const record = value as { readonly [key: string]: HistoryValue | undefined };
  const parts: string[] = [];
  for (const key of Object.keys(record).sort()) {
    const item = record[key];
    if (item !== undefined) parts.push(`${JSON.stringify(key)}:${stableStringify(item)}`);
  }
  return `{${parts.join(',')}}`;
}

/** One op as its jsonl line (no newline). */
export function opToJsonLine(op: HistoryOp): string {
  return `{"index":${op.index},"tMs":${stableStringify(op.tMs)},"process":${JSON.stringify(op.process)},"type":"${op.type}","f":${JSON.stringify(op.f)},"value":${stableStringify(op.value)}}`;
}

/** The whole history as jsonl text, newline-terminated (empty string for no ops). */
export function historyToJsonl(ops: readonly HistoryOp[]): string {
  let text = '';
  for (const op of ops) text += `${opToJsonLine(op)}\n`;
  return text;
}

/**
 * Parses jsonl back into ops (blank lines ignored).
 * @throws Error naming the 1-based line when a line is not an op.
 */
export function parseHistoryJsonl(text: string): HistoryOp[] {
  const ops: HistoryOp[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i += 1) {
    const line = (lines[i] as string).trim();
    if (line === '') continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch (error) {
      throw new Error(`parsing history.jsonl line ${i + 1}: not JSON`, { cause: error });
    }
    ops.push(asOp(parsed, i + 1));
  }
  return ops;
}

function asOp(parsed: unknown, lineNumber: number): HistoryOp {
  const o = parsed as Partial<Record<keyof HistoryOp, unknown>> | null;
  const fail = (what: string): never => {
    throw new Error(`parsing history.jsonl line ${lineNumber}: ${what}`);
  };
  if (typeof o !== 'object' || o === null) return fail('not an object');
  if (typeof o.index !== 'number' || typeof o.tMs !== 'number') return fail('index and tMs must be numbers');
  if (typeof o.process !== 'string' || typeof o.f !== 'string') return fail('process and f must be strings');
  if (typeof o.type !== 'string' || !OP_TYPES.has(o.type)) return fail(`type must be one of invoke|ok|fail|info, got ${String(o.type)}`);
  return { index: o.index, tMs: o.tMs, process: o.process, type: o.type as HistoryOpType, f: o.f, value: (o.value ?? null) as HistoryValue };
}
