/**
 * `CiliumL2AnnouncementPolicy.spec.interfaces` entries, evaluated as Cilium does: each entry is a
 * Go regexp compiled with `regexp.Compile` and tried with `MatchString` (unanchored) against the
 * names of Cilium's selected devices; entries are OR-ed (spec §1.1, C14).
 *
 * l2lab evaluates patterns with RE2 (re2-wasm), the engine Go's regexp is modelled on, and refuses
 * two kinds of pattern:
 * - `go-rejects`: Go would not compile it (lookarounds, backreferences, unknown escapes…). Cilium
 *   sets `io.cilium/bad-interface-regex` on the policy and ignores the whole policy on that node.
 * - `not-portable`: Go accepts it but a JS `RegExp` reads it differently (`\z`, `(?i)`, POSIX
 *   classes…). l2lab's rule (`docs/interface-regex.md`) is to report these instead of silently
 *   picking one meaning; callers that must still model Cilium get `goMatches` (RE2's answer).
 */
import { RE2 } from 're2-wasm';
import { EXTRA_PROBES, INTERFACE_CATALOG } from './interface-catalog.ts';
import { type ConstructFinding, GO_REJECTED_CONSTRUCTS, type RegexConstruct, scanGoRegex } from './regex-scan.ts';

/** A pattern l2lab accepts: Go and JS agree on it. */
export interface InterfacePatternOk {
  readonly ok: true;
  readonly pattern: string;
  /** Anchored at both ends (`^…$`, no top-level `|`): cannot match longer names by accident. */
  readonly anchored: boolean;
  /** Go `regexp.MatchString(pattern, name)`. */
  readonly matches: (name: string) => boolean;
}

/** A pattern Go itself rejects: Cilium marks the policy `io.cilium/bad-interface-regex`. */
export interface InterfacePatternGoRejects {
  readonly ok: false;
  readonly problem: 'go-rejects';
  readonly pattern: string;
  /** Human message naming the construct and, when available, RE2's error. */
  readonly reason: string;
  readonly constructs: readonly ConstructFinding[];
}

/** A pattern Go accepts but JS would read differently; l2lab reports it instead of guessing. */
export interface InterfacePatternNotPortable {
  readonly ok: false;
  readonly problem: 'not-portable';
  readonly pattern: string;
  readonly reason: string;
  readonly constructs: readonly ConstructFinding[];
  /** What Cilium (Go) would do, for callers modelling the agent faithfully. */
  readonly goMatches: (name: string) => boolean;
}

/** Result of {@link compileInterfacePattern}. */
export type InterfacePattern = InterfacePatternOk | InterfacePatternGoRejects | InterfacePatternNotPortable;

const CONSTRUCT_TEXT: Record<RegexConstruct, string> = {
  'go-invalid-escape': 'an escape Go does not know',
  lookaround: 'a lookaround (RE2 has none)',
  backreference: 'a backreference (RE2 has none)',
  'text-anchor': 'a text anchor (\\A/\\z are anchors in Go, plain letters in JS)',
  'inline-flags': 'inline flags (Go-only syntax; JS has no (?i) prefix form)',
  'named-group': 'a named group ((?P<…>) is Go-only; (?<…>) needs Go ≥ 1.22)',
  'posix-class': 'a POSIX class ([[:alpha:]] is a class in Go, a set of characters in JS)',
  'unicode-class': 'a Unicode class (\\p/\\P; a plain letter in JS without the u flag)',
  'quoted-literal': 'a \\Q…\\E literal (Go only)',
  'octal-escape': 'an octal escape (octal in Go, octal or backreference in JS)',
  'bell-escape': 'a \\a bell escape (BEL in Go, the letter a in JS)',
  'hex-brace-escape': 'a \\x{…} escape (Go only; JS reads x{…} literally)',
  'class-leading-bracket': 'a class starting with ] (a literal ] in Go, the empty class in JS)',
};

function describe(findings: readonly ConstructFinding[]): string {
  return findings.map((f) => `'${f.text}' at ${f.at}: ${CONSTRUCT_TEXT[f.construct]}`).join('; ');
}

function tryRe2(pattern: string): RE2 | string {
  try {
    return new RE2(pattern, 'u');
  } catch (err) {
    return err instanceof Error ? err.message.replace(/^Invalid regular expression: \/.*\/u: /s, '') : String(err);
  }
}

function tryJs(pattern: string): RegExp | string {
  try {
    return new RegExp(pattern);
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

function isAnchored(pattern: string, topLevelAlternation: boolean): boolean {
  return !topLevelAlternation && pattern.startsWith('^') && /(^|[^\\])(\\\\)*\$$/.test(pattern);
}

function probeNames(extra: readonly string[]): string[] {
  return [...INTERFACE_CATALOG.map((c) => c.name), ...EXTRA_PROBES, ...extra];
}

// Compiling is the costly part (a WASM allocation per RE2 object), and `check` asks for the same
// few patterns once per (service, node, policy). The cache is keyed by pattern text only, so it
// stays a pure function of its input.
const cache = new Map<string, InterfacePattern>();
const CACHE_LIMIT = 4096;

/**
 * Compiles one `interfaces` entry. `ok: true` only when Go accepts the pattern, it uses no
 * construct from the divergence list, JS `RegExp` compiles it, and both engines agree on every
 * probe name (the built-in catalog plus `probes`). Never throws.
 */
export function compileInterfacePattern(pattern: string, probes: readonly string[] = []): InterfacePattern {
  const cacheable = probes.length === 0;
  const hit = cacheable ? cache.get(pattern) : undefined;
  if (hit !== undefined) return hit;
  const result = compileUncached(pattern, probes);
  if (cacheable && cache.size < CACHE_LIMIT) cache.set(pattern, result);
  return result;
}

function compileUncached(pattern: string, probes: readonly string[]): InterfacePattern {
  const scan = scanGoRegex(pattern);
  const goRejected = scan.findings.filter((f) => GO_REJECTED_CONSTRUCTS.has(f.construct));
  if (goRejected.length > 0) {
    return { ok: false, problem: 'go-rejects', pattern, constructs: goRejected, reason: `Go's regexp rejects ${describe(goRejected)}` };
  }
  const re2 = tryRe2(pattern);
  if (typeof re2 === 'string') {
    return { ok: false, problem: 'go-rejects', pattern, constructs: [], reason: `Go's regexp (RE2) rejects it: ${re2}` };
  }
  const goMatches = (name: string): boolean => re2.test(name);
  if (scan.findings.length > 0) {
    return { ok: false, problem: 'not-portable', pattern, constructs: scan.findings, goMatches, reason: `not portable between Go and JS: ${describe(scan.findings)}` };
  }
  const js = tryJs(pattern);
  if (typeof js === 'string') {
    return { ok: false, problem: 'not-portable', pattern, constructs: [], goMatches, reason: `Go accepts it but JS RegExp does not: ${js}` };
  }
  const differing = probeNames(probes).find((name) => js.test(name) !== goMatches(name));
  if (differing !== undefined) {
    return {
      ok: false,
      problem: 'not-portable',
      pattern,
      constructs: [],
      goMatches,
      reason: `Go and JS disagree on '${differing}' (Go: ${goMatches(differing) ? 'match' : 'no match'})`,
    };
  }
  return { ok: true, pattern, anchored: isAnchored(pattern, scan.topLevelAlternation), matches: goMatches };
}

/**
 * Go's answer for a compiled pattern, whether or not l2lab calls it portable: `undefined` when Go
 * rejects the pattern (Cilium then ignores the policy).
 */
export function goMatcher(compiled: InterfacePattern): ((name: string) => boolean) | undefined {
  if (compiled.ok) return compiled.matches;
  return compiled.problem === 'not-portable' ? compiled.goMatches : undefined;
}
