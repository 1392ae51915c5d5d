/**
 * A small reader for the Prometheus text exposition format (version 0.0.4), the format
 * kube-apiserver and etcd serve on `/metrics`.
 *
 * Why hand-written: the one maintained npm parser (`parse-prometheus-text-format` 1.1.1) folds
 * every series of a histogram family into a single object and drops their labels, which loses
 * exactly the per-verb `apiserver_request_duration_seconds` series this harness needs. This
 * reader keeps every sample line as `{ name, labels, value }` (histograms stay as their raw
 * `_bucket`/`_sum`/`_count` series) and leaves meaning to the callers.
 */

/** One sample line: metric name (with any `_bucket`/`_sum`/`_count` suffix), labels, value. */
export interface PromSample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** A line that could not be read; the parser skips it and reports it. */
export interface PromParseProblem {
  readonly lineNumber: number;
  readonly line: string;
  readonly reason: string;
}

/** Result of {@link parsePrometheusText}. Never throws: bad lines land in `problems`. */
export interface PromParseResult {
  readonly samples: readonly PromSample[];
  readonly problems: readonly PromParseProblem[];
}

const NAME_RE = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL_NAME_RE = /^[a-zA-Z_][a-zA-Z0-9_]*/;

/** Parses a sample value, accepting the spellings the format allows (`+Inf`, `-Inf`, `NaN`). */
export function parsePromValue(text: string): number | undefined {
  if (text === '+Inf' || text === 'Inf') return Number.POSITIVE_INFINITY;
  if (text === '-Inf') return Number.NEGATIVE_INFINITY;
  if (text === 'NaN') return Number.NaN;
  const value = Number(text);
  return text.length > 0 && !Number.isNaN(value) ? value : undefined;
}

type LabelsRead = { labels: Record<string, string>; rest: string } | { error: string };

function readLabels(text: string): LabelsRead {
  const labels: Record<string, string> = {};
  let i = 1; // past '{'
  for (;;) {
    while (text[i] === ' ' || text[i] === ',') i++;
    if (text[i] === '}') return { labels, rest: text.slice(i + 1) };
    const nameMatch = LABEL_NAME_RE.exec(text.slice(i));
    if (!nameMatch) return { error: `bad label name at column ${i + 1}` };
    const labelName = nameMatch[0];
    i += labelName.length;
    while (text[i] === ' ') i++;
    if (text[i] !== '=' || text[i + 1] !== '"') return { error: `expected =" after label ${labelName}` };
    i += 2;
    let value = '';
    for (;;) {
      const c = text[i];
      if (c === undefined) return { error: `unterminated value of label ${labelName}` };
      i++;
      if (c === '"') break;
      if (c === '\\') {
        const escaped = text[i++];
        value += escaped === 'n' ? '\n' : (escaped ?? '');
      } else {
        value += c;
      }
    }
    labels[labelName] = value;
  }
}

function parseSampleLine(line: string): PromSample | { error: string } {
  const nameMatch = NAME_RE.exec(line);
  if (!nameMatch) return { error: 'no metric name' };
  const name = nameMatch[0];
  let rest = line.slice(name.length);
  let labels: Record<string, string> = {};
  if (rest.startsWith('{')) {
    const read = readLabels(rest);
    if ('error' in read) return read;
    labels = read.labels;
    rest = read.rest;
  }
  const fields = rest.trim().split(/\s+/);
  const value = parsePromValue(fields[0] ?? '');
  if (value === undefined) return { error: `bad value '${fields[0] ?? ''}'` };
  return { name, labels, value };
}

/** Parses a whole `/metrics` body. Comment (`# HELP`, `# TYPE`) and blank lines are skipped. */
export function parsePrometheusText(body: string): PromParseResult {
  const samples: PromSample[] = [];
  const problems: PromParseProblem[] = [];
  const lines = body.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const line = (lines[index] ?? '').trim();
    if (line === '' || line.startsWith('#')) continue;
    const parsed = parseSampleLine(line);
    if ('error' in parsed) problems.push({ lineNumber: index + 1, line, reason: parsed.error });
    else samples.push(parsed);
  }
  return { samples, problems };
}
