/**
 * A lexical scan of a Go regular expression for the constructs that mean something different in
 * JavaScript's `RegExp` (or that Go rejects although RE2 C++ — what re2-wasm runs — accepts).
 * The list and the reasoning are in `docs/interface-regex.md`; keep them in sync.
 *
 * The scan only has to recognise escapes, character classes and `(?…)` group openers: every other
 * character means the same in both dialects on the domain l2lab cares about (ASCII interface
 * names without whitespace).
 */

/** A construct whose meaning differs between Go RE2 and JS `RegExp`, or that Go alone rejects. */
export type RegexConstruct =
  | 'go-invalid-escape'
  | 'lookaround'
  | 'backreference'
  | 'text-anchor'
  | 'inline-flags'
  | 'named-group'
  | 'posix-class'
  | 'unicode-class'
  | 'quoted-literal'
  | 'octal-escape'
  | 'bell-escape'
  | 'hex-brace-escape'
  | 'class-leading-bracket';

/** One occurrence found by {@link scanGoRegex}. */
export interface ConstructFinding {
  readonly construct: RegexConstruct;
  /** 0-based offset in the pattern. */
  readonly at: number;
  /** The offending text, e.g. `\z` or `(?i)`. */
  readonly text: string;
}

/** Result of {@link scanGoRegex}. */
export interface RegexScan {
  readonly findings: readonly ConstructFinding[];
  /** A `|` outside any group or class: `^a|b$` is not anchored at both ends. */
  readonly topLevelAlternation: boolean;
}

/** Constructs Go's regexp/syntax rejects; Cilium reports them as `io.cilium/bad-interface-regex`. */
export const GO_REJECTED_CONSTRUCTS: ReadonlySet<RegexConstruct> = new Set(['go-invalid-escape', 'lookaround', 'backreference']);

// Letter escapes Go accepts outside a class (regexp/syntax parse.go): anchors \A \z, boundaries
// \b \B, Perl classes, Unicode classes \p \P, quoting \Q…\E, hex \x, C-style \a \f \n \r \t \v.
const GO_LETTER_ESCAPES = new Set('aAbBdDEfnpPQrsStvwWxz');
// Inside a class the assertions (\A \z \b \B) and quoting are not allowed.
const GO_CLASS_LETTER_ESCAPES = new Set('dDfnpPrsStvwWxa');

function escapeFinding(p: string, i: number, inClass: boolean): ConstructFinding | undefined {
  const e = p[i + 1] ?? '';
  const text = `\\${e}`;
  if (e >= '0' && e <= '9') {
    // Go: \0–\7 start octal (a lone \1–\7 is a backreference and rejected); \8 \9 rejected.
    // JS (non-unicode mode): legacy octal or a backreference — never reliably the same.
    return { construct: e >= '8' ? 'go-invalid-escape' : 'octal-escape', at: i, text };
  }
  if (!/[A-Za-z]/.test(e)) {
    return undefined; // escaped punctuation is the literal character in both dialects
  }
  if (e === 'x' && p[i + 2] === '{') {
    return { construct: 'hex-brace-escape', at: i, text: p.slice(i, p.indexOf('}', i) + 1 || p.length) };
  }
  const allowed = inClass ? GO_CLASS_LETTER_ESCAPES : GO_LETTER_ESCAPES;
  if (!allowed.has(e)) {
    return { construct: e === 'k' ? 'backreference' : 'go-invalid-escape', at: i, text };
  }
  switch (e) {
    case 'A':
    case 'z':
      return { construct: 'text-anchor', at: i, text };
    case 'p':
    case 'P':
      return { construct: 'unicode-class', at: i, text };
    case 'Q':
    case 'E':
      return { construct: 'quoted-literal', at: i, text };
    case 'a':
      return { construct: 'bell-escape', at: i, text };
    default:
      return undefined;
  }
}

function groupFinding(p: string, i: number): ConstructFinding | undefined {
  const rest = p.slice(i + 2);
  if (rest.startsWith(':')) {
    return undefined;
  }
  const look = /^(=|!|<=|<!)/.exec(rest);
  if (look !== null) {
    return { construct: 'lookaround', at: i, text: `(?${look[0]}` };
  }
  if (/^P[=>]/.test(rest)) {
    return { construct: 'backreference', at: i, text: p.slice(i, i + 4) };
  }
  if (/^(P<|<)/.test(rest)) {
    return { construct: 'named-group', at: i, text: p.slice(i, p.indexOf('>', i) + 1 || p.length) };
  }
  const flags = /^[-imsU]*[:)]/.exec(rest);
  if (flags !== null) {
    return { construct: 'inline-flags', at: i, text: `(?${flags[0]}` };
  }
  return undefined; // anything else is a syntax error in both; the compilers will say so
}

/**
 * Scans a Go regexp for constructs in the divergence list. Never throws; unbalanced input is
 * scanned as far as it goes (the compilers report syntax errors).
 */
export function scanGoRegex(pattern: string): RegexScan {
  const findings: ConstructFinding[] = [];
  let inClass = false;
  let depth = 0;
  let topLevelAlternation = false;
  for (let i = 0; i < pattern.length; ) {
    const c = pattern[i];
    if (c === '\\') {
      const f = escapeFinding(pattern, i, inClass);
      if (f !== undefined) findings.push(f);
      i += 2;
      continue;
    }
    if (inClass) {
      if (c === '[' && pattern[i + 1] === ':') {
        const end = pattern.indexOf(':]', i + 2);
        findings.push({ construct: 'posix-class', at: i, text: end === -1 ? pattern.slice(i) : pattern.slice(i, end + 2) });
      } else if (c === ']') {
        inClass = false;
      }
      i += 1;
      continue;
    }
    if (c === '[') {
      inClass = true;
      let j = i + 1;
      if (pattern[j] === '^') j += 1;
      if (pattern[j] === ']') {
        // Go: a leading ']' is a literal member; JS: `[]` is the empty class (and `[^]` any char).
        findings.push({ construct: 'class-leading-bracket', at: i, text: pattern.slice(i, j + 1) });
        j += 1;
      }
      i = j;
      continue;
    }
    if (c === '(') {
      if (pattern[i + 1] === '?') {
        const f = groupFinding(pattern, i);
        if (f !== undefined) findings.push(f);
      }
      depth += 1;
    } else if (c === ')') {
      depth = Math.max(0, depth - 1);
    } else if (c === '|' && depth === 0) {
      topLevelAlternation = true;
    }
    i += 1;
  }
  return { findings, topLevelAlternation };
}
